# OTTO_SANITIZE="address,undefined" or "thread" instruments every target.
if(OTTO_SANITIZE)
  add_compile_options(-fsanitize=${OTTO_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${OTTO_SANITIZE})
  # With instrumentation GCC 12 reports maybe-uninitialized inside
  # std::variant/std::shared_ptr that plain builds (which keep the warning)
  # do not: a known false positive of the sanitizer builds only.
  add_compile_options($<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
endif()
