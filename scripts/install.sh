#!/bin/sh
# Installs hbd from this checkout onto this machine: builds it, links hbd, hbctl, hb_standby,
# hb_takeover, cl_status and meatclient into $PREFIX/bin (default /usr/local), creates the haclient group and
# installs the systemd unit (or, without systemd, the LSB init script). Run it as root on every node.
#   scripts/install.sh [--no-service]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${PREFIX:-/usr/local}
service=yes
for arg in "$@"; do
	case "$arg" in
	--no-service) service=no ;;
	*) echo "usage: scripts/install.sh [--no-service]   (PREFIX=$prefix)" >&2; exit 64 ;;
	esac
done
if [ "$(id -u)" != 0 ]; then
	echo "install.sh: run as root (it writes $prefix/bin and the service files)" >&2
	exit 4
fi

cd "$root"
npx -y pnpm@10.34.8 install --frozen-lockfile
npx -y pnpm@10.34.8 run build

mkdir -p "$prefix/bin"
for entry in hbd:packages/daemon/bin/hbd.js hbctl:packages/cli/bin/hbctl.js \
	hb_standby:packages/cli/bin/hb_standby.js hb_takeover:packages/cli/bin/hb_takeover.js \
	cl_status:packages/cli/bin/cl_status.js meatclient:packages/cli/bin/meatclient.js; do
	ln -sf "$root/${entry#*:}" "$prefix/bin/${entry%%:*}"
	echo "linked $prefix/bin/${entry%%:*} -> $root/${entry#*:}"
done

# hbctl talks to hbd over a socket that root and the haclient group may use (as Heartbeat's apiauth).
getent group haclient >/dev/null || groupadd --system haclient

[ "$service" = yes ] || exit 0
if [ -d /run/systemd/system ]; then
	sed "s|/usr/bin/hbd|$prefix/bin/hbd|g" examples/service/hbd.service > /etc/systemd/system/hbd.service
	systemctl daemon-reload
	echo "installed /etc/systemd/system/hbd.service: systemctl enable --now hbd (after /etc/ha.d is ready)"
else
	sed -e "s|/usr/bin/hbd|$prefix/bin/hbd|g" -e "s|/usr/bin/hbctl|$prefix/bin/hbctl|g" examples/service/hbd.init > /etc/init.d/hbd
	chmod 755 /etc/init.d/hbd
	echo "installed /etc/init.d/hbd: /etc/init.d/hbd start (after /etc/ha.d is ready)"
fi
cp examples/service/hbd.logrotate /etc/logrotate.d/hbd 2>/dev/null || true
