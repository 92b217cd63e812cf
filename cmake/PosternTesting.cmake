# postern_add_test(<name> LABEL <unit|integration|gui> SOURCES <files...> LIBRARIES <targets...>)
# One Qt Test executable per unit, registered with CTest under its label.
function(postern_add_test name)
    cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;LIBRARIES" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE Qt6::Test postern_common_cfg ${ARG_LIBRARIES})
    add_test(NAME ${name} COMMAND ${name})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    set_tests_properties(${name} PROPERTIES
        LABELS "${ARG_LABEL}"
        TIMEOUT ${ARG_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;POSTERN_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
    set_property(GLOBAL APPEND PROPERTY POSTERN_TEST_EXECUTABLES_${ARG_LABEL} ${name})
endfunction()

# With POSTERN_SANITIZE: the sanitizers' options on every test of the current folder, so that
# `ctest` in the sanitizer build runs them as scripts/test.sh does. Child processes (a
# posternd a test starts) inherit them. Leaks are reported; the suppressions name only leaks
# inside Qt's and OpenSSL's own code, each with its reason (tests/sanitizers/lsan.supp).
function(postern_sanitizer_environment)
    if(NOT POSTERN_SANITIZE)
        return()
    endif()
    get_property(tests DIRECTORY PROPERTY TESTS)
    foreach(test IN LISTS tests)
        set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT
            "ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=0:strict_string_checks=1:abort_on_error=0"
            "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/sanitizers/lsan.supp:print_suppressions=0"
            "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
            # Tests that measure memory (VmRSS) skip that check: ASan's quarantine counts there.
            "POSTERN_SANITIZED=1")
    endforeach()
endfunction()
