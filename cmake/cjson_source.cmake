# cjson_source.cmake — which cJSON libspp links, behind one target name: spp::cjson.
#
# Debian's libcjson is built without sanitizers or coverage instrumentation, so
# a fuzzer cannot see inside it and ASan cannot check it. The fuzz, afl and asan
# presets therefore build cJSON from source with the build's own sanitizer and
# fuzzer flags (the spp_instrument interface target), as a static library:
#
#   SPP_CJSON_SOURCE_DIR=PATH   use the cJSON source tree at PATH (cJSON.c + cJSON.h);
#   SPP_CJSON_FROM_SOURCE=ON    fetch Debian's source package (apt-get source cjson,
#                               patches applied by dpkg-source) into the build tree
#                               at configure time, once; later configures reuse it;
#   neither                     the system library (pkg-config libcjson), as before.
#
# The fetch never touches /etc or the system's apt state: a private APT_CONFIG
# under <build>/_cjson/apt names its own sources.list (one deb-src line), lists,
# cache and state directories; apt still checks the archive's signatures with
# the system's trusted keys (Release -> Sources -> .dsc checksums).
# When the fetch fails (no network, no dpkg-dev), configure stops with a message
# that says how to proceed.

set(SPP_CJSON_SOURCE_DIR "" CACHE PATH "cJSON source tree to build instead of the system libcjson")
option(SPP_CJSON_FROM_SOURCE "Build cJSON from Debian's source package (fetched at configure time)" OFF)
set(SPP_CJSON_DEBIAN_SUITE "bookworm" CACHE STRING "Debian suite whose cjson source package is fetched")

# Fetches cjson's Debian source package into dir; sets out_var to the unpacked tree or "".
function(spp_cjson_fetch_debian dir out_var)
  set(${out_var} "" PARENT_SCOPE)
  if(EXISTS "${dir}/tree/cJSON.c" AND EXISTS "${dir}/tree/cJSON.h")
    set(${out_var} "${dir}/tree" PARENT_SCOPE)
    return()
  endif()
  find_program(SPP_APT_GET apt-get)
  find_program(SPP_DPKG_SOURCE dpkg-source)
  if(NOT SPP_APT_GET OR NOT SPP_DPKG_SOURCE)
    message(STATUS "cJSON source: apt-get or dpkg-source (package dpkg-dev) not found")
    return()
  endif()
  set(apt "${dir}/apt")
  file(REMOVE_RECURSE "${dir}/download" "${dir}/tree")
  file(MAKE_DIRECTORY "${apt}/sources.list.d" "${apt}/preferences.d" "${apt}/lists/partial"
       "${apt}/cache/archives/partial" "${apt}/state" "${dir}/download")
  file(WRITE "${apt}/sources.list"
       "deb-src http://deb.debian.org/debian ${SPP_CJSON_DEBIAN_SUITE} main\n")
  # Dir::State::status stays the system's (read only); everything written is under ${apt}.
  file(WRITE "${apt}/apt.conf"
       "Dir::Etc::SourceList \"${apt}/sources.list\";\n"
       "Dir::Etc::SourceParts \"${apt}/sources.list.d\";\n"
       "Dir::Etc::PreferencesParts \"${apt}/preferences.d\";\n"
       "Dir::State \"${apt}/state\";\n"
       "Dir::State::Lists \"${apt}/lists\";\n"
       "Dir::Cache \"${apt}/cache\";\n"
       "Dir::Cache::pkgcache \"\";\n"
       "Dir::Cache::srcpkgcache \"\";\n"
       "APT::Sandbox::User \"root\";\n"
       "Debug::NoLocking \"true\";\n"
       "Acquire::Retries \"3\";\n"
       "Acquire::http::Timeout \"30\";\n")
  set(env "${CMAKE_COMMAND}" -E env "APT_CONFIG=${apt}/apt.conf" LC_ALL=C)
  message(STATUS "cJSON source: fetching Debian's cjson source package (${SPP_CJSON_DEBIAN_SUITE})")
  execute_process(COMMAND ${env} "${SPP_APT_GET}" -q update
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 300)
  if(NOT rc EQUAL 0)
    message(STATUS "cJSON source: apt-get update failed (${rc}):\n${out}")
    return()
  endif()
  execute_process(COMMAND ${env} "${SPP_APT_GET}" -q source --download-only cjson
                  WORKING_DIRECTORY "${dir}/download"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 300)
  file(GLOB dsc "${dir}/download/cjson_*.dsc")
  if(NOT rc EQUAL 0 OR NOT dsc)
    message(STATUS "cJSON source: apt-get source failed (${rc}):\n${out}")
    return()
  endif()
  list(GET dsc 0 dsc)
  # Checksums of the tarballs are verified against the .dsc, which apt verified against the
  # signed index; the .dsc's own signature cannot be checked without debian-keyring.
  execute_process(COMMAND "${SPP_DPKG_SOURCE}" --no-check -x "${dsc}" "${dir}/tree"
                  WORKING_DIRECTORY "${dir}/download"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 120)
  if(NOT rc EQUAL 0 OR NOT EXISTS "${dir}/tree/cJSON.c")
    message(STATUS "cJSON source: dpkg-source -x failed (${rc}):\n${out}")
    file(REMOVE_RECURSE "${dir}/tree")
    return()
  endif()
  file(WRITE "${dir}/tree/.spp-origin" "${dsc}\n")
  message(STATUS "cJSON source: unpacked ${dsc} into ${dir}/tree")
  set(${out_var} "${dir}/tree" PARENT_SCOPE)
endfunction()

set(_spp_cjson_dir "")
if(SPP_CJSON_SOURCE_DIR)
  if(NOT EXISTS "${SPP_CJSON_SOURCE_DIR}/cJSON.c" OR NOT EXISTS "${SPP_CJSON_SOURCE_DIR}/cJSON.h")
    message(FATAL_ERROR "SPP_CJSON_SOURCE_DIR=${SPP_CJSON_SOURCE_DIR} holds no cJSON.c and cJSON.h")
  endif()
  set(_spp_cjson_dir "${SPP_CJSON_SOURCE_DIR}")
elseif(SPP_CJSON_FROM_SOURCE)
  spp_cjson_fetch_debian("${CMAKE_BINARY_DIR}/_cjson" _spp_cjson_dir)
  if(NOT _spp_cjson_dir)
    message(FATAL_ERROR
      "Could not fetch Debian's cjson source package (this build needs an instrumented cJSON).\n"
      "To proceed, either:\n"
      "  - give a cJSON source tree:  -DSPP_CJSON_SOURCE_DIR=/path/to/cJSON  (a git clone of\n"
      "    DaveGamble/cJSON v1.7.15, or an unpacked 'apt-get source cjson', holding cJSON.c),\n"
      "  - make deb.debian.org reachable and install dpkg-dev (scripts/deps fuzz), then\n"
      "    configure again, or\n"
      "  - use the uninstrumented system library:  -DSPP_CJSON_FROM_SOURCE=OFF")
  endif()
endif()

if(_spp_cjson_dir)
  # The header is copied under cjson/ so that json.c's #include <cjson/cJSON.h> finds it.
  set(_inc "${CMAKE_BINARY_DIR}/_cjson/include")
  configure_file("${_spp_cjson_dir}/cJSON.h" "${_inc}/cjson/cJSON.h" COPYONLY)
  add_library(spp_cjson_src STATIC "${_spp_cjson_dir}/cJSON.c")
  target_include_directories(spp_cjson_src SYSTEM PUBLIC "${_inc}")
  # The build's sanitizer and fuzzer instrumentation, not the project's warnings: cJSON is
  # third-party code and is not -Wconversion clean.
  target_link_libraries(spp_cjson_src PUBLIC spp_instrument)
  set_target_properties(spp_cjson_src PROPERTIES C_STANDARD 99 C_EXTENSIONS OFF
    POSITION_INDEPENDENT_CODE ON)
  add_library(spp::cjson ALIAS spp_cjson_src)
  set(SPP_CJSON_ORIGIN "source: ${_spp_cjson_dir}")
else()
  add_library(spp::cjson ALIAS PkgConfig::CJSON)
  set(SPP_CJSON_ORIGIN "system: libcjson ${CJSON_VERSION}")
endif()
message(STATUS "cJSON: ${SPP_CJSON_ORIGIN}")
