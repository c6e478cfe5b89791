#!/bin/sh
# rootfs.sh OUT: builds the seqgate image's whole filesystem under OUT/rootfs
# (a static binary, CA certificates, a passwd/group naming the nonroot user
# 65532, its writable home and /tmp). The Dockerfile's builder stage runs it,
# and tests/image runs the same script on the host to make the "prebuilt"
# builder image, so what the test checks is what a real build produces.
#
# Run from the repository root. Environment: VERSION, COMMIT, BUILD_TIME
# (stamped with -ldflags -X), CA_BUNDLE (default: Debian's path, which is
# also the golang image's).
set -eu
out=${1:?usage: rootfs.sh OUT}
root="$out/rootfs"
rm -rf "$root"
mkdir -p "$root/usr/local/bin" "$root/etc/ssl/certs" "$root/tmp" "$out/home/nonroot"
# CGO off: a static binary that needs no libc, so the image can be FROM
# scratch. -trimpath keeps build paths out of it; -buildvcs=false because
# the build context has no .git (the commit comes in through COMMIT).
CGO_ENABLED=0 go build -trimpath -buildvcs=false \
	-ldflags="-s -w -X main.version=${VERSION:-dev} -X main.commit=${COMMIT:-} -X main.buildTime=${BUILD_TIME:-}" \
	-o "$root/usr/local/bin/seqgate" ./cmd/seqgate
cp "${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}" "$root/etc/ssl/certs/ca-certificates.crt"
cp deploy/docker/passwd "$root/etc/passwd"
cp deploy/docker/group "$root/etc/group"
chmod 1777 "$root/tmp"
