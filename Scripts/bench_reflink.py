"""Scripts/bench --reflink: PostgreSQL 18 with its data directory on a loop-mounted XFS made with
reflink, where CREATE DATABASE … STRATEGY FILE_COPY with file_copy_method = clone shares the
template's blocks. Imported by Scripts/bench, which holds the common helpers."""

import os
import shutil
import subprocess
import tempfile
import time


class LoopXFS:
    """A sparse file formatted as XFS with reflink and mounted; remove() takes it all down."""

    def __init__(self, image_dir, size):
        if os.geteuid() != 0:
            raise SystemExit("bench: --reflink mounts a loop device, which needs root")
        if not shutil.which("mkfs.xfs"):
            raise SystemExit("bench: --reflink needs mkfs.xfs (apt-get install xfsprogs, or Scripts/setup)")
        self.mount_point = tempfile.mkdtemp(prefix="odb-bench-xfs-", dir=image_dir)
        self.image = self.mount_point + ".img"
        try:
            with open(self.image, "wb") as image:
                image.truncate(size)
            self._run(["mkfs.xfs", "-q", "-m", "reflink=1", self.image])
            self._run(["mount", "-o", "loop", self.image, self.mount_point])
            os.chmod(self.mount_point, 0o755)
        except BaseException:
            self.remove()
            raise

    @staticmethod
    def _run(argv):
        result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            raise SystemExit(f"bench: {' '.join(argv)} failed: {result.stderr.strip()}")

    def used(self):
        stats = os.statvfs(self.mount_point)
        return (stats.f_blocks - stats.f_bfree) * stats.f_frsize

    def remove(self):
        if os.path.ismount(self.mount_point):
            if subprocess.run(["umount", self.mount_point], stderr=subprocess.DEVNULL).returncode != 0:
                subprocess.run(["umount", "-l", self.mount_point], stderr=subprocess.DEVNULL)
        attached = subprocess.run(["losetup", "-j", self.image], stdout=subprocess.PIPE, text=True).stdout
        for line in attached.splitlines():
            subprocess.run(["losetup", "-d", line.split(":")[0]], stderr=subprocess.DEVNULL)
        if os.path.exists(self.image):
            os.remove(self.image)
        if not os.path.ismount(self.mount_point):
            shutil.rmtree(self.mount_point, ignore_errors=True)


def scale(bench, scale, timed, run):
    """Times one pgbench scale on the XFS; returns the database's size, the timings and the disk
    ten revisions of the unchanged database took."""
    db = f"pgbench_s{scale}"
    import sys
    print(f"scale {scale} (reflink): pgbench -i …", file=sys.stderr)
    bench.sql(f'CREATE DATABASE "{db}"')
    run([f"{bench.bindir}/pgbench", "-i", "-q", "-s", str(scale), "-d", bench.server_url(db)])
    bench.call("init", db)
    bench.sql("CHECKPOINT")
    size = int(bench.sql(f"SELECT pg_database_size('{db}')"))
    results = {}

    def settle():
        bench.sql("CHECKPOINT")

    oid = bench.sql(f"SELECT oid FROM pg_database WHERE datname = '{db}'")
    source = os.path.join(bench.data_directory(), "base", oid)

    def cp():
        target = os.path.join(bench.data_directory(), f"bench-cp-{oid}")
        settle()
        start = time.perf_counter()
        run(["cp", "-r", "--reflink=always", source, target])
        run(["sync", "-f", target])
        elapsed = time.perf_counter() - start
        shutil.rmtree(target)
        return elapsed
    results["cp -r --reflink=always + sync of its files"] = bench.median(cp)

    for label, statements in [
        ("CREATE DATABASE … STRATEGY FILE_COPY, file_copy_method = clone", ["SET file_copy_method = clone"]),
        ("CREATE DATABASE … STRATEGY FILE_COPY, file_copy_method = copy", ["SET file_copy_method = copy"]),
        ("CREATE DATABASE … STRATEGY WAL_LOG", []),
    ]:
        strategy = "WAL_LOG" if "WAL_LOG" in label else "FILE_COPY"
        def template():
            settle()
            elapsed = bench.time_sql(*statements, f'CREATE DATABASE "bench copy" TEMPLATE "{db}" STRATEGY {strategy}')
            bench.sql('DROP DATABASE "bench copy"')
            return elapsed
        results[label] = bench.median(template)

    bench.call("spares", "--keep", "0", "-d", db)
    bench.call("maintain", "-d", db)
    for label, extra in [("odb commit (clone)", []), ("odb commit --strategy file_copy (copy)", ["--strategy", "file_copy"])]:
        def commit():
            settle()
            elapsed = bench.time_odb("commit", "-d", db, "-q", "-m", "bench", *extra)
            bench.call("purge", "all", "-y", "-d", db)
            return elapsed
        results[label] = bench.median(commit)

    bench.call("commit", "-d", db, "-q", "-m", "base")
    # As users run it: the background worker drops the database a revert replaced; each run
    # waits for it, untimed.
    background = dict(bench.env, ODB_BACKGROUND="1")
    for label, extra in [("odb revert, no spare (clone)", []),
                         ("odb revert --strategy file_copy, no spare (copy)", ["--strategy", "file_copy"])]:
        def revert_copy():
            bench.background_done(db)
            settle()
            return timed([bench.odb_path, "revert", "-d", db, "-q", *extra], env=background)
        results[label] = bench.median(revert_copy)

    bench.call("spares", "--keep", "1", "-d", db)
    def revert_spare():
        bench.ready_spare(db)
        settle()
        return timed([bench.odb_path, "revert", "-d", db, "-q"], env=background)
    results["odb revert, with spare"] = bench.median(revert_spare)
    bench.wait_for_workers()
    bench.call("maintain", "-d", db)

    # The disk ten revisions of the unchanged database take, once the server has written it all.
    bench.call("spares", "--keep", "0", "-d", db)
    bench.call("maintain", "-d", db)
    bench.call("purge", "all", "-y", "-d", db)
    settle()
    run(["sync", "-f", bench.data_directory()])
    before = bench.xfs.used()
    for number in range(10):
        bench.call("commit", "-d", db, "-q", "-m", f"unchanged {number + 1}")
    settle()
    run(["sync", "-f", bench.data_directory()])
    ten = bench.xfs.used() - before

    bench.call("purge", "all", "-y", "-d", db)
    bench.sql(f'DROP DATABASE "{db}"')
    return size, results, ten


def table(scale, size, results, ten, seconds):
    """The lines of one scale's table and its findings."""
    floor = results["cp -r --reflink=always + sync of its files"]
    spare = results["odb revert, with spare"]
    lines = [f"### pgbench scale {scale} ({size / 2**20:.0f} MB)", "",
             "| operation | median | × cp --reflink + sync | × odb revert with spare |", "|---|---:|---:|---:|"]
    for name, value in results.items():
        lines.append(f"| {name} | {seconds(value)} | {value / floor:.2f} | {value / spare:.1f} |")
    commit, commit_copy = results["odb commit (clone)"], results["odb commit --strategy file_copy (copy)"]
    revert, revert_copy = results["odb revert, no spare (clone)"], results["odb revert --strategy file_copy, no spare (copy)"]
    clone, copy = (results["CREATE DATABASE … STRATEGY FILE_COPY, file_copy_method = clone"],
                   results["CREATE DATABASE … STRATEGY FILE_COPY, file_copy_method = copy"])
    faster = "with a spare" if spare < revert else "without one (cloning)"
    lines += [
        "",
        f"- odb commit {seconds(commit)} with clone, {commit_copy / commit:.0f}× faster than with file_copy_method = copy "
        f"({seconds(commit_copy)}); odb revert without a spare {seconds(revert)}, {revert_copy / revert:.0f}× faster "
        f"than copying ({seconds(revert_copy)})",
        f"- a FILE_COPY template copy: {seconds(clone)} cloned, {seconds(copy)} copied ({copy / clone:.0f}×)",
        f"- a revert is faster {faster}: {seconds(spare)} with a spare, {seconds(revert)} cloning",
        f"- ten revisions of the unchanged database took {ten / 2**20:.1f} MB on disk, {ten / 10 / 2**10:.0f} kB a "
        f"revision: {100 * ten / size:.2f}% of one copy ({size / 2**20:.0f} MB)",
        "",
    ]
    return lines
