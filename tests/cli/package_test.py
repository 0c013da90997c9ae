#!/usr/bin/env python3
"""Installable (issue 14, part 5): the Debian package of the existing build, unpacked and run.

Usage: tests/cli/package_test.py DBANON_BINARY BUILD_DIR SOURCE_DIR

tools/build-deb.sh BUILD_DIR (meson install into a staging root, no rebuild; Depends from
dpkg-shlibdeps; lintian must find no error when installed) builds the .deb; the test unpacks
it with dpkg-deb -x into a temporary root and checks: the binary, the manual page dbanon(1)
(options, config format, exit codes, examples) and the bash completion are there; Depends
names the shared libraries the binary links; the unpacked binary (system libraries, LD
paths unchanged) runs the sample (samples/dbanon.toml on samples/shop.sql) and writes what
the build's binary writes; its --version names the libraries. Output: `ok - NAME` /
`not ok - NAME: detail`; exit 1 on any failure, 77 when dpkg-deb is missing (skipped).
"""

import gzip
import os
import shutil
import subprocess
import sys
import tempfile

FAILED = []


def check(cond, name, detail=''):
    print(('ok - %s' % name) if cond else ('not ok - %s: %s' % (name, detail)), flush=True)
    if not cond:
        FAILED.append(name)
    return cond


def main(argv):
    binary, build, source = (os.path.abspath(a) for a in argv[1:4])
    if shutil.which('dpkg-deb') is None or shutil.which('dpkg-shlibdeps') is None:
        print('# SKIP dpkg-dev is not installed (tools/install-deps.sh --test)')
        return 77
    with tempfile.TemporaryDirectory(prefix='dbanon-package-') as d:
        p = subprocess.run(['bash', os.path.join(source, 'tools', 'build-deb.sh'), build, d], capture_output=True,
                           text=True, timeout=240)
        lines = p.stdout.strip().splitlines()
        deb = lines[-1] if lines else ''
        if not check(p.returncode == 0 and deb.endswith('.deb') and os.path.exists(deb),
                     'tools/build-deb.sh builds a .deb from the build folder (lintian: no error)',
                     'exit %d: %s' % (p.returncode, (p.stderr + p.stdout)[-1500:])):
            return 1
        if shutil.which('lintian') is None:
            print('# lintian is not installed: the package was not checked by it')
        fields = subprocess.run(['dpkg-deb', '-f', deb, 'Package', 'Version', 'Depends'], capture_output=True,
                                text=True, check=True).stdout
        depends = fields.split('Depends:', 1)[-1]
        libs = ('libre2-', 'libssl3', 'libzstd1', 'liblz4-1', 'zlib1g', 'libisal2', 'libyaml-cpp0.7', 'libxxhash0', 'libc6',
                'libstdc++6')
        check(all(l in depends for l in libs), 'Depends names the shared libraries dbanon links (dpkg-shlibdeps)',
              fields)
        root = os.path.join(d, 'root')
        subprocess.run(['dpkg-deb', '-x', deb, root], check=True)
        exe = os.path.join(root, 'usr', 'bin', 'dbanon')
        man = os.path.join(root, 'usr', 'share', 'man', 'man1', 'dbanon.1.gz')
        completion = os.path.join(root, 'usr', 'share', 'bash-completion', 'completions', 'dbanon')
        check(os.access(exe, os.X_OK), 'the package installs /usr/bin/dbanon')
        if check(os.path.exists(man), 'the package installs the manual page dbanon(1), gzipped'):
            with gzip.open(man, 'rt') as f:
                text = f.read()
            sections = ('.SH OPTIONS', '.SH CONFIGURATION', '.SH EXIT STATUS', '.SH EXAMPLES')
            check(all(s in text for s in sections) and '@VERSION@' not in text and '--report' in text.replace('\\-', '-'),
                  'the manual page has options, configuration, exit status and examples', text[:300])
        if check(os.path.exists(completion), 'the package installs the bash completion'):
            p = subprocess.run(['bash', '-c', 'source "$1" && COMP_WORDS=(dbanon --for) COMP_CWORD=1 && _dbanon && '
                                'echo "${COMPREPLY[@]}"; complete -p dbanon', 'bash', completion],
                               capture_output=True, text=True)
            check(p.returncode == 0 and '--format' in p.stdout and 'complete -o filenames -F _dbanon dbanon' in p.stdout,
                  'the completion completes --for to --format', p.stdout + p.stderr)
        env = {k: v for k, v in os.environ.items() if not k.startswith('DBANON_')}
        sample = [os.path.join(source, 'samples', 'dbanon.toml'), os.path.join(source, 'samples', 'shop.sql')]
        ran = subprocess.run([exe, '-c'] + sample, capture_output=True, env=env, timeout=60)
        ref = subprocess.run([binary, '-c'] + sample, capture_output=True, env=env, timeout=60)
        check(ran.returncode == 0 and ran.stdout == ref.stdout and len(ran.stdout) > 0,
              'the unpacked binary runs the sample and writes what the build\'s binary writes',
              'exit %d: %s' % (ran.returncode, ran.stderr[-500:]))
        v = subprocess.run([exe, '--version'], capture_output=True, text=True)
        check(v.returncode == 0 and v.stdout.startswith('dbanon ') and all(
            n in v.stdout for n in ('RE2', 'Abseil', 'OpenSSL', 'zlib', 'ISA-L', 'zstd', 'lz4', 'xxHash', 'toml++', 'yaml-cpp')),
              'the unpacked binary\'s --version names the libraries it was built with', v.stdout)
    return 1 if FAILED else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
