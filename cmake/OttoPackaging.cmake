# Installation and the two ways to consume an installed otto:
#   find_package(otto)  -> the imported target otto::otto
#   pkg-config otto     -> -I<prefix>/include -L<libdir> -lotto
#
# Only the shared library and the public header are installed. The internal
# static library otto_core is whole-archived into libotto.so and linked
# privately, so neither the exported target nor otto.pc mentions it.
include(CMakePackageConfigHelpers)

set(OTTO_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/otto"
    CACHE STRING "Where ottoConfig.cmake and its companions are installed")
set(OTTO_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    CACHE STRING "Where otto.pc is installed")

# libotto.so.X.Y.Z plus the SONAME link libotto.so.X go to Runtime; the
# namelink libotto.so, the header and the package files to Development.
install(TARGETS otto
  EXPORT otto-targets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    COMPONENT Runtime
    NAMELINK_COMPONENT Development
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    COMPONENT Development
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    COMPONENT Runtime
  PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    COMPONENT Development)

install(EXPORT otto-targets
  NAMESPACE otto::
  FILE otto-targets.cmake
  DESTINATION ${OTTO_INSTALL_CMAKEDIR}
  COMPONENT Development)

# Generated away from the top of the build tree, which find_package would
# search (and find incomplete) when the tree is on CMAKE_PREFIX_PATH.
set(otto_package_dir ${PROJECT_BINARY_DIR}/packaging)
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/ottoConfig.cmake.in
  ${otto_package_dir}/ottoConfig.cmake
  INSTALL_DESTINATION ${OTTO_INSTALL_CMAKEDIR})
# The major version is the ABI: find_package(otto 0.1) accepts any 0.y.z that
# is at least 0.1, and no 1.x.
write_basic_package_version_file(
  ${otto_package_dir}/ottoConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)
install(FILES
  ${otto_package_dir}/ottoConfig.cmake
  ${otto_package_dir}/ottoConfigVersion.cmake
  DESTINATION ${OTTO_INSTALL_CMAKEDIR}
  COMPONENT Development)

# otto.pc carries absolute paths, so it is configured when it is installed:
# `cmake --install <build> --prefix <dir>` then gets <dir>, not the prefix the
# tree was configured with (DESTDIR stays out of it, as it should). The first
# block carries configure-time values into the install script; the second
# runs at install time, when CMAKE_INSTALL_PREFIX is the final one.
install(CODE "
  set(OTTO_PC_TEMPLATE \"${PROJECT_SOURCE_DIR}/pkgconfig/otto.pc.in\")
  set(OTTO_PC_FILE \"${otto_package_dir}/otto.pc\")
  set(OTTO_PC_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(OTTO_PC_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(PROJECT_NAME \"${PROJECT_NAME}\")
  set(PROJECT_DESCRIPTION \"${PROJECT_DESCRIPTION}\")
  set(PROJECT_VERSION \"${PROJECT_VERSION}\")"
  COMPONENT Development)
install(CODE [[
  set(OTTO_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  foreach(dir OTTO_PC_LIBDIR OTTO_PC_INCLUDEDIR)
    if(NOT IS_ABSOLUTE "${${dir}}")
      set(${dir} "\${prefix}/${${dir}}")
    endif()
  endforeach()
  configure_file("${OTTO_PC_TEMPLATE}" "${OTTO_PC_FILE}" @ONLY)]]
  COMPONENT Development)
install(FILES ${otto_package_dir}/otto.pc
  DESTINATION ${OTTO_INSTALL_PKGCONFIGDIR}
  COMPONENT Development)
