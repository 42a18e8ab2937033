"""Exposes Debian's system libraries as cc_library targets, with link lines from pkg-config.

Each entry of `libs` maps a target name to a list of pkg-config modules (and, for libraries that
ship no .pc file, `-l` flags). Headers come from /usr/include, which the toolchain already searches.
"""

def _pkg_config(rctx, args):
    result = rctx.execute(["pkg-config"] + args)
    if result.return_code != 0:
        fail("pkg-config %s failed: %s\nRun scripts/setup.sh to install the missing -dev packages." % (" ".join(args), result.stderr))
    return [w for w in result.stdout.replace("\n", " ").split(" ") if w]

def _system_libs_impl(rctx):
    lines = ['package(default_visibility = ["//visibility:public"])', ""]
    for name, modules in rctx.attr.libs.items():
        pkgs = [m for m in modules if not m.startswith("-")]
        extra = [m for m in modules if m.startswith("-")]
        linkopts = extra + (_pkg_config(rctx, ["--libs"] + pkgs) if pkgs else [])
        cflags = _pkg_config(rctx, ["--cflags"] + pkgs) if pkgs else []
        defines = [f[2:] for f in cflags if f.startswith("-D")]
        lines.append("cc_library(")
        lines.append('    name = "%s",' % name)
        lines.append("    linkopts = %s," % repr(linkopts))
        lines.append("    defines = %s," % repr(defines))
        lines.append(")")
        lines.append("")
    rctx.file("WORKSPACE", 'workspace(name = "%s")\n' % rctx.name)
    rctx.file("BUILD.bazel", "\n".join(lines))

system_libs = repository_rule(
    implementation = _system_libs_impl,
    attrs = {"libs": attr.string_list_dict(mandatory = True)},
    local = True,
    environ = ["PKG_CONFIG_PATH"],
)
