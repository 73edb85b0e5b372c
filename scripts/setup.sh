#!/usr/bin/env bash
# Installs what Neurite builds and tests with on a fresh Debian machine (Node 20 and npm present):
# chromium (its SwiftShader is the Vulkan driver WebGPU runs on here, and the browser for browser tests),
# libvulkan1, Fashion-MNIST (dataset-fashion-mnist), pnpm 12.4.2, then the workspace's packages from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -e /usr/lib/chromium/vk_swiftshader_icd.json ] || missing+=(chromium)
[ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || missing+=(dataset-fashion-mnist)
ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 ' || missing+=(libvulkan1)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: Neurite's WebGPU tests need: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "12.4.2" ]; then
  echo "setup: npm install -g pnpm@12.4.2"
  npm install -g pnpm@12.4.2 --no-audit --no-fund --loglevel=error
fi

pnpm install --frozen-lockfile
