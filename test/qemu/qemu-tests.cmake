# qemu-tests.cmake - register the QEMU boot tests of test/qemu/cases.py with ctest.
#
# Include it from the CMakeLists.txt that builds the kernel for one board,
# after enable_testing() (or include(CTest)):
#
#   set(SLUICE_BOARD qemu-virt)                 # the board being built (required)
#   include(${PROJECT_SOURCE_DIR}/test/qemu/qemu-tests.cmake)
#
# Optional inputs (set before the include):
#   SLUICE_QEMU_BUILD_DIR   the board's build directory (default: CMAKE_BINARY_DIR)
#   SLUICE_QEMU_KERNEL      kernel ELF   (default: ${SLUICE_QEMU_BUILD_DIR}/sluice;
#                           a generator expression such as $<TARGET_FILE:sluice> works)
#   SLUICE_QEMU_IMAGE       raw Image    (default: ${SLUICE_QEMU_BUILD_DIR}/Image)
#   SLUICE_QEMU_LOG_DIR     console logs (default: ${SLUICE_QEMU_BUILD_DIR}/test-logs)
#   SLUICE_QEMU_CASES_FILE  the case table (default: cases.py beside this file)
#   SLUICE_QEMU_CTEST_TIMEOUT  ctest's own limit per test, seconds (default 300;
#                           the runner applies each case's timeout itself)
#
# Result: one test qemu/<case> for each case of this board (and each
# board-independent case), labelled "qemu" (and "cheap" for cases tagged so);
# a case tagged "pending" is registered disabled.
# The case list is read at configure time; editing cases.py re-runs
# configure. ctest does not build: build the kernel first, then
#   ctest -L qemu            # all QEMU tests      ctest -R qemu/virt-smp1   # one
#   ctest -L cheap           # only the runner's own quick checks

if(NOT DEFINED SLUICE_BOARD OR SLUICE_BOARD STREQUAL "")
  message(FATAL_ERROR "qemu-tests.cmake: set SLUICE_BOARD before including it")
endif()

set(_sq_dir "${CMAKE_CURRENT_LIST_DIR}")
set(_sq_runner "${_sq_dir}/sluice_qemu.py")
if(DEFINED SLUICE_QEMU_CASES_FILE)
  set(_sq_cases "${SLUICE_QEMU_CASES_FILE}")
else()
  set(_sq_cases "${_sq_dir}/cases.py")
endif()

if(NOT DEFINED SLUICE_QEMU_BUILD_DIR)
  set(SLUICE_QEMU_BUILD_DIR "${CMAKE_BINARY_DIR}")
endif()
if(NOT DEFINED SLUICE_QEMU_KERNEL)
  set(SLUICE_QEMU_KERNEL "${SLUICE_QEMU_BUILD_DIR}/sluice")
endif()
if(NOT DEFINED SLUICE_QEMU_IMAGE)
  set(SLUICE_QEMU_IMAGE "${SLUICE_QEMU_BUILD_DIR}/Image")
endif()
if(NOT DEFINED SLUICE_QEMU_LOG_DIR)
  set(SLUICE_QEMU_LOG_DIR "${SLUICE_QEMU_BUILD_DIR}/test-logs")
endif()
if(NOT DEFINED SLUICE_QEMU_CTEST_TIMEOUT)
  set(SLUICE_QEMU_CTEST_TIMEOUT 300)
endif()

find_package(Python3 COMPONENTS Interpreter QUIET)
if(NOT Python3_Interpreter_FOUND)
  message(WARNING "qemu-tests.cmake: no python3, QEMU tests not registered")
  return()
endif()

# Re-run configure when the case table or the runner changes.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_sq_runner}" "${_sq_cases}")

function(_sluice_qemu_list out)
  execute_process(
    COMMAND "${Python3_EXECUTABLE}" "${_sq_runner}" --cases-file "${_sq_cases}"
            --list --board "${SLUICE_BOARD}" ${ARGN}
    OUTPUT_VARIABLE _names
    ERROR_VARIABLE _err
    RESULT_VARIABLE _rc
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _rc EQUAL 0)
    set(${out} "ERROR: ${_err}" PARENT_SCOPE)
    return()
  endif()
  string(REPLACE "\n" ";" _names "${_names}")
  set(${out} "${_names}" PARENT_SCOPE)
endfunction()

_sluice_qemu_list(_sq_all)
if(_sq_all MATCHES "^ERROR:")
  # A broken case table must not pass silently: register a test that shows it.
  message(WARNING "qemu-tests.cmake: listing the QEMU cases failed (${_sq_runner} --list)\n${_sq_all}")
  add_test(NAME qemu/case-table
           COMMAND "${Python3_EXECUTABLE}" "${_sq_runner}" --cases-file "${_sq_cases}"
                   --list --board "${SLUICE_BOARD}")
  set_tests_properties(qemu/case-table PROPERTIES LABELS "qemu")
  return()
endif()
_sluice_qemu_list(_sq_cheap --tag cheap)
_sluice_qemu_list(_sq_pending --tag pending)

foreach(_sq_case IN LISTS _sq_all)
  add_test(NAME "qemu/${_sq_case}"
           COMMAND "${Python3_EXECUTABLE}" "${_sq_runner}"
                   --cases-file "${_sq_cases}"
                   --case "${_sq_case}"
                   --board "${SLUICE_BOARD}"
                   --build-dir "${SLUICE_QEMU_BUILD_DIR}"
                   --kernel "${SLUICE_QEMU_KERNEL}"
                   --image "${SLUICE_QEMU_IMAGE}"
                   --log-dir "${SLUICE_QEMU_LOG_DIR}")
  set(_sq_labels qemu)
  if(_sq_case IN_LIST _sq_cheap)
    list(APPEND _sq_labels cheap)
  endif()
  set_tests_properties("qemu/${_sq_case}" PROPERTIES
                       LABELS "${_sq_labels}"
                       TIMEOUT "${SLUICE_QEMU_CTEST_TIMEOUT}")
  # Written ahead of the kernel work it waits for: listed, not run
  # (ctest shows "Not Run (Disabled)"); sluice_qemu.py --case still runs it.
  if(_sq_case IN_LIST _sq_pending)
    set_tests_properties("qemu/${_sq_case}" PROPERTIES DISABLED TRUE)
  endif()
endforeach()

unset(_sq_all)
unset(_sq_cheap)
unset(_sq_pending)
unset(_sq_labels)
