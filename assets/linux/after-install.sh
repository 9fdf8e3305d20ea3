#!/bin/sh
# deb/rpm post-install: let members of the `paquet` group capture without root, as Debian's
# wireshark-common does for dumpcap: the capture program gets cap_net_raw and cap_net_admin,
# and only root and the group may run it.
set -e
PROGRAM='/opt/Paquet/resources/app/dist/capture/paquet-dumpcap'
if ! getent group paquet >/dev/null; then
  groupadd --system paquet 2>/dev/null || addgroup --system paquet
fi
if [ -f "$PROGRAM" ]; then
  chown root:paquet "$PROGRAM"
  chmod 0750 "$PROGRAM"
  if ! setcap cap_net_raw,cap_net_admin=eip "$PROGRAM"; then
    echo "Paquet: could not give the capture program its capabilities (setcap failed); capture will need root." >&2
  fi
fi
# The link electron-builder's own script would have made.
ln -sf '/opt/Paquet/paquet' '/usr/bin/paquet' || true
if [ -n "${SUDO_USER:-}" ] && ! id -nG "$SUDO_USER" | grep -qw paquet; then
  echo "Paquet: to capture without root, join the paquet group: sudo usermod -aG paquet $SUDO_USER (then log out and back in)."
else
  echo "Paquet: to capture without root, join the paquet group: sudo usermod -aG paquet \$USER (then log out and back in)."
fi
exit 0
