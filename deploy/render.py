#!/usr/bin/env python3
"""Write the nginx site for this checkout: deploy/nginx/*.in with their @NAME@ fields filled.

    python3 deploy/render.py --server-name qauipsizbolashaq.kz \
        --server-name www.qauipsizbolashaq.kz --out /etc/nginx/qb

writes /etc/nginx/qb/qb.conf (the site, to link into sites-enabled) and qb-proxy.conf (the
headers nginx sends the site). Run it again after every update: it also lists the content
hash of each static file, and only a URL with its file's current hash is cached for a year.
Standard library only, so the system's python3 runs it. docs/deployment.md explains it.
"""

import argparse
import hashlib
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The site's own rule (qb/assets.py): the first 12 hex digits of the file's SHA-256.
HASH_LENGTH = 12
STATIC_MAX_AGE = 31_536_000  # a year, the site's STATIC_MAX_AGE
MAX_CONTENT_LENGTH = 64 * 1024  # the site's MAX_CONTENT_LENGTH


def static_versions(static_root):
    """map lines: each static file's URL with its current hash -> a year, immutable."""
    lines = []
    for path in sorted(p for p in Path(static_root).rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
        url = "/static/" + path.relative_to(static_root).as_posix()
        if '"' in url or "\\" in url:
            raise SystemExit(f"unsupported static file name: {url}")
        value = f"public, max-age={STATIC_MAX_AGE}, immutable"
        lines.append(f'    "{url}?{digest}" "{value}";')
    return "\n".join(lines)


def fields(args):
    """The value of every @NAME@ field; an empty value removes the lines that use it."""
    canonical = args.server_name[0]
    address = f"{args.listen_address}:" if args.listen_address else ""
    return {
        "SERVER_NAMES": " ".join(args.server_name),
        "CANONICAL_HOST": canonical,
        "HTTPS_SUFFIX": "" if args.https_port == 443 else f":{args.https_port}",
        "LISTEN_HTTP": f"{address}{args.http_port}",
        "LISTEN_HTTPS": f"{address}{args.https_port}",
        "LISTEN_HTTP6": "" if args.no_ipv6 else f"[::]:{args.http_port}",
        "LISTEN_HTTPS6": "" if args.no_ipv6 else f"[::]:{args.https_port}",
        "TLS_CERTIFICATE": args.certificate or f"/etc/letsencrypt/live/{canonical}/fullchain.pem",
        "TLS_KEY": args.key or f"/etc/letsencrypt/live/{canonical}/privkey.pem",
        "UPSTREAM": args.upstream or ["127.0.0.1:8000"],
        "ACME_ROOT": args.acme_root,
        "STATIC_ROOT": str(Path(args.static_root).resolve()),
        "STATIC_VERSIONS": static_versions(args.static_root),
        "MAX_BODY": str(MAX_CONTENT_LENGTH),
        "MAX_BODY_PLUS_ONE": str(MAX_CONTENT_LENGTH + 1),
        "SNIPPETS": str(Path(args.out).resolve()),
    }


def fill(template, values):
    """The template with its fields filled; a line whose field is a list is repeated for
    each item, a line whose field is empty is left out."""
    out = []
    for line in template.splitlines():
        names = re.findall(r"@([A-Z0-9_]+)@", line)
        unknown = [n for n in names if n not in values]
        if unknown:
            raise SystemExit(f"unknown field(s) {unknown} in: {line}")
        if any(values[n] == "" and n != "HTTPS_SUFFIX" for n in names):
            continue
        lines = [line]
        for name in names:
            value = values[name]
            items = value if isinstance(value, list) else [value]
            lines = [one.replace(f"@{name}@", item) for one in lines for item in items]
        out.extend(lines)
    return "\n".join(out) + "\n"


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server-name",
        action="append",
        required=True,
        help="host name the site answers to; the first is canonical",
    )
    parser.add_argument("--out", required=True, help="folder to write qb.conf and qb-proxy.conf to")
    parser.add_argument("--certificate", help="PEM chain (default: Let's Encrypt's path)")
    parser.add_argument("--key", help="PEM private key (default: Let's Encrypt's path)")
    parser.add_argument(
        "--upstream", action="append", help="gunicorn's address (repeat for several hosts)"
    )
    parser.add_argument("--static-root", default=str(ROOT / "static"))
    parser.add_argument(
        "--acme-root", default="/var/www/letsencrypt", help="certbot --webroot folder"
    )
    parser.add_argument("--http-port", type=int, default=80)
    parser.add_argument("--https-port", type=int, default=443)
    parser.add_argument("--listen-address", default="", help="listen on this address only")
    parser.add_argument("--no-ipv6", action="store_true", help="do not listen on [::]")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    values = fields(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for template in sorted((HERE / "nginx").glob("*.in")):
        target = out / template.name.removesuffix(".in")
        target.write_text(fill(template.read_text(encoding="utf-8"), values), encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
