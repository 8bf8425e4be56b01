# Per-target build settings. Nothing here touches global flags: every target opts in through
# attnscope_target_options(), and the sanitizer/arch flags travel on the attnscope_build_flags
# interface target so that everything linked together agrees on them.

add_library(attnscope_build_flags INTERFACE)
add_library(attnscope::build_flags ALIAS attnscope_build_flags)

if(ATTNSCOPE_NATIVE)
  target_compile_options(attnscope_build_flags INTERFACE -march=native)
  # GCC 12 reports "'__Y' may be used uninitialized" inside its own AVX-512 intrinsics when they
  # are inlined into Eigen's GEMM kernels (GCC bug 105593, fixed in GCC 13). Silence only that.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(attnscope_build_flags INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()

if(ATTNSCOPE_SANITIZE)
  target_compile_options(attnscope_build_flags INTERFACE
    -fsanitize=${ATTNSCOPE_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(attnscope_build_flags INTERFACE -fsanitize=${ATTNSCOPE_SANITIZE})
endif()

# GCC 12 warns "__builtin_memcpy ... may overlap" (-Wrestrict) on plain std::string concatenation
# at -O2 and above (GCC bug 105651, fixed in GCC 13): a false positive, silenced for GCC 12 only.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(attnscope_build_flags INTERFACE -Wno-restrict)
endif()

function(attnscope_target_options target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(ATTNSCOPE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  target_link_libraries(${target} PUBLIC attnscope::build_flags)
endfunction()
