# Read by cpack at packaging time. CPackDeb prepends CPACK_PACKAGE_DESCRIPTION_SUMMARY (the
# project's one-line description) to each component's description; ours carry their own.
unset(CPACK_PACKAGE_DESCRIPTION_SUMMARY)
