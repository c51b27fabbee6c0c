# Finds V8 as shipped by Debian's libnode (V8 10.2), or a user's own build.
#
# Search order: -DV8_ROOT=<prefix>, the private copy that tools/bootstrap.sh unpacks into
# third_party/libnode when apt refuses libnode-dev, then the system (/usr).
# Defines the imported target V8::V8. This module is the only place that knows where V8 is.
#
# Debian's V8 is built without pointer compression and without 31-bit Smis (see
# include/node/config.gypi), so neither V8_COMPRESS_POINTERS nor V8_31BIT_SMIS_ON_64BIT_ARCH
# is defined for embedders.

set(_v8_hints)
if(V8_ROOT)
  list(APPEND _v8_hints ${V8_ROOT} ${V8_ROOT}/usr)
endif()
list(APPEND _v8_hints ${CMAKE_SOURCE_DIR}/third_party/libnode/usr)

find_path(V8_INCLUDE_DIR
  NAMES v8.h
  HINTS ${_v8_hints}
  PATH_SUFFIXES include/node include/v8 include)
find_library(V8_LIBRARY
  NAMES node v8
  HINTS ${_v8_hints}
  PATH_SUFFIXES lib/x86_64-linux-gnu lib64 lib)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(V8 REQUIRED_VARS V8_LIBRARY V8_INCLUDE_DIR)

if(V8_FOUND AND NOT TARGET V8::V8)
  add_library(V8::V8 SHARED IMPORTED)
  # SYSTEM: V8's headers are not ours to keep -Wextra clean.
  set_target_properties(V8::V8 PROPERTIES
    IMPORTED_LOCATION "${V8_LIBRARY}"
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${V8_INCLUDE_DIR}"
    INTERFACE_INCLUDE_DIRECTORIES "${V8_INCLUDE_DIR}")
  get_filename_component(V8_LIBRARY_DIR "${V8_LIBRARY}" DIRECTORY)
  # The private copy is not on the loader's path; binaries find it through their RPATH.
  set(CMAKE_BUILD_RPATH "${CMAKE_BUILD_RPATH};${V8_LIBRARY_DIR}")
  set(CMAKE_INSTALL_RPATH "${CMAKE_INSTALL_RPATH};${V8_LIBRARY_DIR}")
endif()
mark_as_advanced(V8_INCLUDE_DIR V8_LIBRARY)
