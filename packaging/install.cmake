# Install layout and the Debian package (included from the top-level CMakeLists.txt).
#
#   sbin/hearth                          the binary (descriptors, icons and migrations are compiled in)
#   lib/systemd/system/hearth.service    the unit, ExecStart pointing at the installed binary
#   lib/sysusers.d/hearth.conf           the hearth account
#   lib/tmpfiles.d/hearth.conf           /var/lib/hearth, the account's home and the unit's StateDirectory=
#   /etc/hearth/hearth.conf              every option, commented out; always /etc, whatever the prefix, because
#                                        that is where the binary looks
#   share/doc/hearth/README.md
#
# The systemd paths are relative to the prefix: systemd reads /usr/lib and /usr/local/lib alike.
#
# cpack -G DEB (from the build folder) builds hearth_<version>_<arch>.deb with prefix /usr; its maintainer
# scripts (packaging/debian/) create the account and enable the unit.

include(GNUInstallDirs)

set(HEARTH_PACKAGING_DIR ${CMAKE_CURRENT_LIST_DIR})
set(HEARTH_SYSTEMD_DIR ${CMAKE_SOURCE_DIR}/systemd)

# The unit in systemd/ names /usr/sbin/hearth, where the package puts it. Another prefix (e.g. the default
# /usr/local) is only known at install time, so the unit is rewritten then; cpack installs with prefix /usr and
# ships systemd/hearth.service unchanged.
set(HEARTH_INSTALLED_UNIT ${CMAKE_BINARY_DIR}/packaging/hearth.service)
install(CODE "
  set(sbindir \"${CMAKE_INSTALL_SBINDIR}\")
  set(docdir \"${CMAKE_INSTALL_DOCDIR}\")
  if(NOT IS_ABSOLUTE \"\${sbindir}\")
    set(sbindir \"\${CMAKE_INSTALL_PREFIX}/\${sbindir}\")
  endif()
  if(NOT IS_ABSOLUTE \"\${docdir}\")
    set(docdir \"\${CMAKE_INSTALL_PREFIX}/\${docdir}\")
  endif()
  file(READ \"${HEARTH_SYSTEMD_DIR}/hearth.service\" unit)
  string(REPLACE \"ExecStart=/usr/sbin/hearth\" \"ExecStart=\${sbindir}/hearth\" unit \"\${unit}\")
  string(REPLACE \"file:/usr/share/doc/hearth/\" \"file:\${docdir}/\" unit \"\${unit}\")
  file(WRITE \"${HEARTH_INSTALLED_UNIT}\" \"\${unit}\")
")
install(FILES ${HEARTH_INSTALLED_UNIT} DESTINATION lib/systemd/system)
install(FILES ${HEARTH_SYSTEMD_DIR}/hearth.sysusers DESTINATION lib/sysusers.d RENAME hearth.conf)
install(FILES ${HEARTH_SYSTEMD_DIR}/hearth.tmpfiles DESTINATION lib/tmpfiles.d RENAME hearth.conf)

# The owner's edited config must survive a re-install from source (dpkg handles this itself for the package,
# where the file is a conffile and the staging folder is always empty).
install(CODE "
  if(EXISTS \"\$ENV{DESTDIR}/etc/hearth/hearth.conf\")
    message(STATUS \"Keeping the existing \$ENV{DESTDIR}/etc/hearth/hearth.conf\")
  else()
    file(INSTALL DESTINATION \"/etc/hearth\" TYPE FILE FILES \"${HEARTH_PACKAGING_DIR}/hearth.conf\")
  endif()
")
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/profiles.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package.
set(HEARTH_PACKAGE_MAINTAINER "Hearth maintainers <hearth@localhost>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hearth)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${HEARTH_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "DLNA/UPnP media server for one household")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION video)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "TVs, consoles and phones on the home network find Hearth by themselves, browse the videos, music and\n\
pictures it shares, and play them. It answers only the home network, never writes to the media folders and\n\
runs headless as a hardened systemd service.")
# Library dependencies come from dpkg-shlibdeps (package dpkg-dev); these are what the maintainer scripts use.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd, init-system-helpers")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${HEARTH_PACKAGING_DIR}/debian/conffiles
    ${HEARTH_PACKAGING_DIR}/debian/postinst
    ${HEARTH_PACKAGING_DIR}/debian/prerm
    ${HEARTH_PACKAGING_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# cpack also offers a source package; keep build trees out of it.
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/")
include(CPack)
