# Helpers shared by the folder CMakeLists.

# One precompiled header (LibTorch + STL) built once and reused by every LibTorch target, so a
# clean build on 2 cores does not parse torch/torch.h once per translation unit.
function(vlmforge_setup_pch)
  add_library(vlmforge_pch OBJECT ${CMAKE_SOURCE_DIR}/cmake/pch.cpp)
  target_link_libraries(vlmforge_pch PUBLIC torch)
  target_include_directories(vlmforge_pch PUBLIC ${CMAKE_SOURCE_DIR})
  if(VLMFORGE_PCH)
    target_precompile_headers(vlmforge_pch PRIVATE ${CMAKE_SOURCE_DIR}/cmake/pch.h)
  endif()
endfunction()

# vlmforge_library(NAME SOURCES ... [DEPS ...] [TORCH])
function(vlmforge_library name)
  cmake_parse_arguments(A "TORCH" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${A_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${A_DEPS})
  if(A_TORCH)
    target_link_libraries(${name} PUBLIC torch)
    if(VLMFORGE_PCH)
      target_precompile_headers(${name} REUSE_FROM vlmforge_pch)
    endif()
  endif()
endfunction()

# vlmforge_gtest(NAME SOURCES ... LIBS ... [LABELS unit;reference;slow] [FIXTURES ...] [TORCH])
# Registers every TEST() of the binary with ctest (discovered when the tests run).
function(vlmforge_gtest name)
  cmake_parse_arguments(A "TORCH" "TIMEOUT" "SOURCES;LIBS;LABELS;FIXTURES" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_LIBS} GTest::gtest GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR})
  if(A_TORCH AND VLMFORGE_PCH)
    target_precompile_headers(${name} REUSE_FROM vlmforge_pch)
  endif()
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 600)
  endif()
  # The tests' environment comes from an `env` launcher: gtest_discover_tests (CMake 3.25) drops
  # all but the first entry of a multi-variable ENVIRONMENT property.
  set_target_properties(${name} PROPERTIES CROSSCOMPILING_EMULATOR
      "/usr/bin/env;VLMFORGE_FIXTURES=${CMAKE_BINARY_DIR}/fixtures;VLMFORGE_SOURCE_DIR=${CMAKE_SOURCE_DIR};VLMFORGE_BINARY_DIR=${CMAKE_BINARY_DIR};VLMFORGE_PYTHON=${VLMFORGE_PYTHON};VLMFORGE_EXE=${CMAKE_BINARY_DIR}/vlmforge")
  set(props LABELS "${A_LABELS}" TIMEOUT ${A_TIMEOUT})
  if(A_FIXTURES)
    list(APPEND props FIXTURES_REQUIRED "${A_FIXTURES}")
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
                       PROPERTIES ${props})
endfunction()

# vlmforge_pytest(NAME SCRIPT [ARGS ...] [LABELS ...] [FIXTURES_SETUP ...] [FIXTURES_REQUIRED ...])
# A Python-driven test (reference stack from the venv): exit code 0 = pass.
function(vlmforge_pytest name)
  cmake_parse_arguments(A "" "SCRIPT;TIMEOUT" "ARGS;LABELS;FIXTURES_SETUP;FIXTURES_REQUIRED" ${ARGN})
  if(NOT A_LABELS)
    set(A_LABELS reference)
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 900)
  endif()
  add_test(NAME ${name} COMMAND ${VLMFORGE_PYTHON} ${A_SCRIPT} ${A_ARGS}
           WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  set_tests_properties(${name} PROPERTIES LABELS "${A_LABELS}" TIMEOUT ${A_TIMEOUT}
      ENVIRONMENT "VLMFORGE_FIXTURES=${CMAKE_BINARY_DIR}/fixtures;VLMFORGE_SOURCE_DIR=${CMAKE_SOURCE_DIR};VLMFORGE_BINARY_DIR=${CMAKE_BINARY_DIR};VLMFORGE_EXE=$<TARGET_FILE:vlmforge>;PYTHONDONTWRITEBYTECODE=1;HF_HUB_OFFLINE=1;TRANSFORMERS_OFFLINE=1;TOKENIZERS_PARALLELISM=false")
  if(A_FIXTURES_SETUP)
    set_tests_properties(${name} PROPERTIES FIXTURES_SETUP "${A_FIXTURES_SETUP}")
  endif()
  if(A_FIXTURES_REQUIRED)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${A_FIXTURES_REQUIRED}")
  endif()
endfunction()
