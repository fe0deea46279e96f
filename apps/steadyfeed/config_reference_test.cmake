# docs/configuration.md must be what `steadyfeed config-reference` prints from
# the loader's table of keys, so that the page and the loader cannot drift.
#   cmake -DSTEADYFEED=<binary> -DPAGE=<docs/configuration.md> -DOUT=<scratch file> -P this
execute_process(COMMAND "${STEADYFEED}" config-reference OUTPUT_FILE "${OUT}" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "steadyfeed config-reference failed: ${status}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${PAGE}" "${OUT}" RESULT_VARIABLE differs)
if(differs)
  find_program(DIFF diff)
  if(DIFF)
    execute_process(COMMAND "${DIFF}" -u "${PAGE}" "${OUT}")
  endif()
  message(FATAL_ERROR "${PAGE} is not what `steadyfeed config-reference` prints; "
                      "regenerate it: steadyfeed config-reference > docs/configuration.md")
endif()
