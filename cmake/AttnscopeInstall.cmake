# Where the programs find what Attnscope ships (core/pipeline/install_paths.h): models and samples
# in <prefix>/share/attnscope beside <prefix>/bin. The build tree gets the same shape through links
# into the sources, so build/bin/attnscope finds them exactly as an installed one does.
include(GNUInstallDirs)

set(ATTNSCOPE_BUILD_DATA_DIR "${PROJECT_BINARY_DIR}/share/attnscope")
file(MAKE_DIRECTORY "${ATTNSCOPE_BUILD_DATA_DIR}")
file(CREATE_LINK "${PROJECT_SOURCE_DIR}/resources/models" "${ATTNSCOPE_BUILD_DATA_DIR}/models" SYMBOLIC)
file(CREATE_LINK "${PROJECT_SOURCE_DIR}/samples" "${ATTNSCOPE_BUILD_DATA_DIR}/samples" SYMBOLIC)

set(ATTNSCOPE_INSTALL_DATA_DIR "${CMAKE_INSTALL_DATADIR}/attnscope")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/models/" DESTINATION "${ATTNSCOPE_INSTALL_DATA_DIR}/models")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/samples/" DESTINATION "${ATTNSCOPE_INSTALL_DATA_DIR}/samples")
install(FILES "${PROJECT_SOURCE_DIR}/resources/copyright" DESTINATION "${CMAKE_INSTALL_DOCDIR}")

if(ATTNSCOPE_BUILD_GUI)
  install(FILES "${PROJECT_SOURCE_DIR}/resources/attnscope.desktop" DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
  install(FILES "${PROJECT_SOURCE_DIR}/resources/attnscope.metainfo.xml" DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo"
          RENAME io.github.attnscope.Attnscope.metainfo.xml)
  foreach(size 16 24 32 48 64 128 256 512)
    install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/attnscope-${size}.png"
            DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps" RENAME attnscope.png)
  endforeach()
  install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/attnscope.svg"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps")
endif()

# `cpack -G DEB` in the build folder: attnscope_<version>_<arch>.deb, its library dependencies
# found by dpkg-shlibdeps. The build's -march=native (ATTNSCOPE_NATIVE) ties a package to CPUs
# like the building one: configure with -DATTNSCOPE_NATIVE=OFF for a package to hand out.
set(CPACK_PACKAGE_NAME attnscope)
set(CPACK_PACKAGE_VENDOR "Attnscope")
set(CPACK_PACKAGE_CONTACT "Attnscope developers <attnscope@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION "Attnscope runs Hugging Face transformer checkpoints on the CPU, offline, and shows
 their attention head by head: matrix, lines, text, image overlays, layers x heads,
 rollout and attention flow, with figure and tensor export. Ships ViT-Ti/16 and
 stories260K as built-in models.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY attnscope)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Not linked, so shlibdeps cannot see it: a font for the labels.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-noto-cjk")
set(CPACK_STRIP_FILES ON)
include(CPack)
