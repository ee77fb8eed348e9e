# Runs the SSH and telnet examples against the loopback test lab
# (tests/lab, the otto-lab program). Four modes, for CTest's fixture and
# tests:
#
#   cmake -DMODE=up   -DOTTO_LAB=<otto-lab> -DLAB_DIR=<dir> [-DSSH_SERVERS=3] -P lab.cmake
#       stops a lab left over in <dir> (if any), empties <dir>, starts a
#       fresh lab there: <dir>/lab.json lists it. Besides the sshd, one
#       login-less telnetd and, as root, one telnetd with /bin/login.
#   cmake -DMODE=down -DOTTO_LAB=<otto-lab> -DLAB_DIR=<dir> -P lab.cmake
#       stops the lab of <dir>; nothing to do when there is none
#   cmake -DMODE=run  -DLAB_DIR=<dir> -P lab.cmake -- <program> [args...]
#       runs <program> [args...] --user NAME --key FILE --known-hosts FILE
#       127.0.0.1:PORT... with the lab's values, and fails when it fails
#   cmake -DMODE=run-telnet -DLAB_DIR=<dir> -P lab.cmake -- <program> [args...]
#       runs <program> [args...] [--user NAME --password PW] 127.0.0.1:PORT
#       on the telnetd with /bin/login if there is one, else the other
#   cmake -DMODE=run-lab -DLAB_DIR=<dir> -P lab.cmake -- <program> [args...]
#       runs <program> [args...] <dir>/otto: the directory of the lab file
#       (lab "demo") that otto-lab writes
#
# The examples take their hosts on the command line; reading lab.json here,
# with CMake's own JSON support, keeps a JSON reader out of them.
cmake_minimum_required(VERSION 3.20)

if(NOT LAB_DIR)
  message(FATAL_ERROR "lab.cmake: LAB_DIR is not set")
endif()
set(lab_json "${LAB_DIR}/lab.json")

# Stops the lab recorded in lab.json, if there is one. otto-lab stops each
# server by pid, and only if that pid is still the lab's sshd, so stopping a
# lab that already stopped is harmless.
function(lab_down)
  if(NOT EXISTS "${lab_json}")
    return()
  endif()
  execute_process(COMMAND "${OTTO_LAB}" down --dir "${LAB_DIR}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "lab.cmake: otto-lab down --dir ${LAB_DIR} failed (${rc})")
  endif()
endfunction()

if(MODE STREQUAL "up")
  if(NOT OTTO_LAB)
    message(FATAL_ERROR "lab.cmake: OTTO_LAB is not set")
  endif()
  if(NOT SSH_SERVERS)
    set(SSH_SERVERS 3)
  endif()
  # A previous run that never reached its cleanup may have left servers
  # running: stop them before their directory goes.
  lab_down()
  file(REMOVE_RECURSE "${LAB_DIR}")
  # /bin/login needs the lab's password user, which only root can create.
  execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(telnet_login 0)
  if(uid STREQUAL "0")
    set(telnet_login 1)
  endif()
  execute_process(COMMAND "${OTTO_LAB}" up --dir "${LAB_DIR}" --ssh ${SSH_SERVERS}
    --telnet-shell 1 --telnet-login ${telnet_login} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "lab.cmake: otto-lab up --dir ${LAB_DIR} failed (${rc})")
  endif()

elseif(MODE STREQUAL "down")
  if(NOT OTTO_LAB)
    message(FATAL_ERROR "lab.cmake: OTTO_LAB is not set")
  endif()
  lab_down()

elseif(MODE STREQUAL "run" OR MODE STREQUAL "run-telnet" OR MODE STREQUAL "run-lab")
  # The command is everything after "--".
  set(command "")
  set(after_separator FALSE)
  math(EXPR last "${CMAKE_ARGC} - 1")
  foreach(i RANGE ${last})
    if(after_separator)
      list(APPEND command "${CMAKE_ARGV${i}}")
    elseif(CMAKE_ARGV${i} STREQUAL "--")
      set(after_separator TRUE)
    endif()
  endforeach()
  if(NOT command)
    message(FATAL_ERROR "lab.cmake: no command after --")
  endif()

  if(NOT EXISTS "${lab_json}")
    message(FATAL_ERROR "lab.cmake: ${lab_json} does not exist (is the lab up?)")
  endif()
  file(READ "${lab_json}" lab)
  if(MODE STREQUAL "run-lab")
    list(APPEND command "${LAB_DIR}/otto")
  elseif(MODE STREQUAL "run-telnet")
    string(JSON servers LENGTH "${lab}" telnet)
    if(servers EQUAL 0)
      message(FATAL_ERROR "lab.cmake: ${lab_json} lists no telnet servers")
    endif()
    math(EXPR last_server "${servers} - 1")
    set(chosen "")
    foreach(i RANGE ${last_server})
      string(JSON login GET "${lab}" telnet ${i} login)
      string(JSON port GET "${lab}" telnet ${i} port)
      if(login)
        string(JSON user GET "${lab}" password_user name)
        string(JSON password GET "${lab}" password_user password)
        set(chosen --user "${user}" --password "${password}" "127.0.0.1:${port}")
        break()
      elseif(NOT chosen)
        set(chosen "127.0.0.1:${port}")
      endif()
    endforeach()
    list(APPEND command ${chosen})
  else()
    string(JSON user GET "${lab}" user name)
    string(JSON key GET "${lab}" user key)
    string(JSON known_hosts GET "${lab}" known_hosts)
    string(JSON servers LENGTH "${lab}" ssh)
    if(servers EQUAL 0)
      message(FATAL_ERROR "lab.cmake: ${lab_json} lists no SSH servers")
    endif()
    list(APPEND command --user "${user}" --key "${key}" --known-hosts "${known_hosts}")
    math(EXPR last_server "${servers} - 1")
    foreach(i RANGE ${last_server})
      string(JSON port GET "${lab}" ssh ${i} port)
      # The servers listen on the loopback address only.
      list(APPEND command "127.0.0.1:${port}")
    endforeach()
  endif()

  list(JOIN command " " shown)
  if(password)
    string(REPLACE "${password}" "***" shown "${shown}")
  endif()
  message(STATUS "running: ${shown}")
  execute_process(COMMAND ${command} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "lab.cmake: the program failed (${rc})")
  endif()

else()
  message(FATAL_ERROR "lab.cmake: MODE must be up, down, run, run-telnet or run-lab")
endif()
