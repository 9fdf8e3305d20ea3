#!/bin/sh
# deb/rpm post-remove: drop the command link; the `paquet` group stays (users may still be in it),
# as Debian keeps the wireshark group.
rm -f '/usr/bin/paquet'
exit 0
