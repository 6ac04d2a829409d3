"""The real Agora Web SDK files, fetched from the npm registry into .cache/agora-sdk (kept between runs).

They are never committed (the RTM SDK is not open-source licensed). `python -m tests.agora_sdk_cache`
fetches them; the tests serve the folder through AGORA_SDK_URL.
"""
from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from ui.agora_sdk import RTC_SDK, RTM_SDK, SIGNALING_SDK

CACHE = Path(__file__).resolve().parent.parent / '.cache' / 'agora-sdk'


def real_sdk_folder() -> Path:
    for sdk_file in (RTM_SDK, RTC_SDK, SIGNALING_SDK):
        package, file_name = sdk_file.split('/', 1)
        target = CACHE / package
        if (target / file_name).is_file():
            continue
        with tempfile.TemporaryDirectory() as download:
            subprocess.run(['npm', 'pack', package, '--silent', '--pack-destination', download],
                           check=True, capture_output=True, timeout=300)
            archive = next(Path(download).glob('*.tgz'))
            with tarfile.open(archive) as tar:
                tar.extractall(download, filter='data')
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(Path(download) / 'package', target)
    return CACHE


if __name__ == '__main__':
    print(real_sdk_folder())
