"""Generates C++ (and optionally gRPC) code from .proto files with the system protoc."""

def cc_grpc_library(name, srcs, deps = [], proto_deps = [], grpc = True, visibility = None):
    """Compiles `srcs` with protoc (and grpc_cpp_plugin when `grpc`) into one cc_library.

    proto_deps: other .proto files (labels) that `srcs` import; deps: their cc libraries.
    """
    outs = []
    for src in srcs:
        base = src[:-len(".proto")]
        outs += [base + ".pb.h", base + ".pb.cc"]
        if grpc:
            outs += [base + ".grpc.pb.h", base + ".grpc.pb.cc"]
    plugin = " --plugin=protoc-gen-grpc=/usr/bin/grpc_cpp_plugin --grpc_out=$(GENDIR)" if grpc else ""
    native.genrule(
        name = name + "_codegen",
        srcs = srcs + proto_deps,
        outs = outs,
        cmd = "protoc -I. -I/usr/include --cpp_out=$(GENDIR)" + plugin + " " +
              " ".join(["$(location %s)" % s for s in srcs]),
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        deps = deps + ["@system//:protobuf"] + (["@system//:grpcpp"] if grpc else []),
        visibility = visibility,
    )
