# Third-party libraries, all from the distribution's packages.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(LIBUV REQUIRED IMPORTED_TARGET libuv>=1.44)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(CJSON REQUIRED IMPORTED_TARGET libcjson)
pkg_check_modules(LIBSSH REQUIRED IMPORTED_TARGET libssh>=0.10.6)
pkg_check_modules(LIBTELNET REQUIRED IMPORTED_TARGET libtelnet)
