#!/usr/bin/env python3
# Builds hostile image archives for img-archive-hostile.bats:
#   img-archive-mktar.py KIND OUT [SAVED.tar]
import hashlib, io, json, sys, tarfile

kind, out = sys.argv[1], sys.argv[2]

def add(t, name, data):
    i = tarfile.TarInfo(name)
    i.size = len(data)
    t.addfile(i, io.BytesIO(data))

def layer_tar(entries):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w") as t:
        for n, d in entries:
            add(t, n, d)
    return b.getvalue()

def sha(d):
    return hashlib.sha256(d).hexdigest()

def archive(layers, config=None, config_name=None, manifest=None, extra=()):
    diff_ids = ["sha256:" + sha(l) for l in layers]
    if config is None:
        config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                             "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    config_name = config_name or "blobs/sha256/" + sha(config)
    if manifest is None:
        manifest = json.dumps([{"Config": config_name, "RepoTags": ["hostile/img:v1"],
                                "Layers": ["blobs/sha256/" + sha(l) for l in layers]}]).encode()
    with tarfile.open(out, "w") as t:
        add(t, config_name, config)
        for l in layers:
            add(t, "blobs/sha256/" + sha(l), l)
        for n, d in extra:
            add(t, n, d)
        add(t, "manifest.json", manifest)

good = layer_tar([("etc/hostile", b"x\n")])
if kind == "traversal":
    archive([good], extra=[("../../escaped", b"evil")])
elif kind == "config-digest":
    config = json.dumps({"rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(good)]}}).encode()
    archive([good], config=config, config_name="blobs/sha256/" + "0" * 64)
elif kind == "big-manifest":
    archive([good], manifest=b"[" + b" " * (5 * 1024 * 1024) + b"]")
elif kind == "missing-layer":
    config = json.dumps({"rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(good)]}}).encode()
    m = json.dumps([{"Config": "blobs/sha256/" + sha(config), "RepoTags": ["hostile/img:v1"],
                     "Layers": ["blobs/sha256/" + "1" * 64]}]).encode()
    with tarfile.open(out, "w") as t:
        add(t, "blobs/sha256/" + sha(config), config)
        add(t, "manifest.json", m)
elif kind == "layer-escape":
    archive([layer_tar([("../../../../tmp/wharf-escaped", b"evil")])])
elif kind == "diff-id":
    other = layer_tar([("etc/other", b"y\n")])
    config = json.dumps({"rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(other)]}}).encode()
    archive([good], config=config)
elif kind == "good":
    archive([good])
else:
    sys.exit("unknown kind " + kind)
