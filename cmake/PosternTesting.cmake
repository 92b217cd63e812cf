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
endfunction()
