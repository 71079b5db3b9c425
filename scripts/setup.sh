#!/usr/bin/env bash
# Installs the system packages Korrigo needs on Debian (run as root, or with sudo available).
# Idempotent: does nothing when everything is already there.
#   tesseract-ocr, tesseract-ocr-fra, libtesseract-dev, libleptonica-dev, clang, libclang-dev:
#     local OCR of the name headers (the Rust binding is generated at build time with clang);
#   fonts-dkg-handwriting, fonts-breip, fonts-humor-sans: handwriting-like fonts for the
#     generated test scans and the identification benchmark;
#   fonts-comic-neue, fonts-kristi, fonts-dancingscript, fonts-klee, fonts-cabinsketch: more
#     hands, held out from tuning, for the identification corpus (korrigo bench identify
#     --corpus);
#   fonts-bwht, fonts-femkeklaver, fonts-rufscript, fonts-kaushanscript: hands added after the
#     orientation's clues of the writer's hand were built (korrigo bench orientation);
#   chromium, chromium-driver: headless browser for the end-to-end tests only;
#   poppler-utils: pdftotext, for the tests that read the text of the final PDFs back.
set -euo pipefail

need=()
pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || need+=("$1"); }
for p in tesseract-ocr tesseract-ocr-fra libtesseract-dev libleptonica-dev clang libclang-dev \
         fonts-dkg-handwriting fonts-breip fonts-humor-sans fonts-comic-neue fonts-kristi \
         fonts-dancingscript fonts-klee fonts-cabinsketch fonts-bwht fonts-femkeklaver \
         fonts-rufscript fonts-kaushanscript chromium chromium-driver poppler-utils; do
  pkg "$p"
done

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "Installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
