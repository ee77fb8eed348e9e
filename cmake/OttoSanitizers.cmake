# OTTO_SANITIZE="address,undefined" or "thread" instruments every target.
if(OTTO_SANITIZE)
  add_compile_options(-fsanitize=${OTTO_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${OTTO_SANITIZE})
endif()
