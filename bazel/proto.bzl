"""Generates C++ code from .proto files with the system protoc and grpc_cpp_plugin."""

def cc_proto_library_system(name, srcs, deps = [], proto_deps = [], grpc_name = None, visibility = None):
    """Compiles `srcs` into two libraries: `name` (messages only) and, when `grpc_name` is set,
    `grpc_name` (the service stubs, depending on grpc++). Code that only needs the messages
    depends on `name` and so never links gRPC.

    proto_deps: other .proto files (labels) that `srcs` import; deps: their message libraries.
    """
    bases = [src[:-len(".proto")] for src in srcs]
    pb_outs = [b + ext for b in bases for ext in [".pb.h", ".pb.cc"]]
    grpc_outs = [b + ext for b in bases for ext in [".grpc.pb.h", ".grpc.pb.cc"]] if grpc_name else []
    plugin = " --plugin=protoc-gen-grpc=/usr/bin/grpc_cpp_plugin --grpc_out=$(GENDIR)" if grpc_name else ""
    native.genrule(
        name = name + "_codegen",
        srcs = srcs + proto_deps,
        outs = pb_outs + grpc_outs,
        cmd = "protoc -I. -I/usr/include --cpp_out=$(GENDIR)" + plugin + " " +
              " ".join(["$(location %s)" % s for s in srcs]),
    )
    native.cc_library(
        name = name,
        srcs = [o for o in pb_outs if o.endswith(".cc")],
        hdrs = [o for o in pb_outs if o.endswith(".h")],
        deps = deps + ["@system//:protobuf"],
        visibility = visibility,
    )
    if grpc_name:
        native.cc_library(
            name = grpc_name,
            srcs = [o for o in grpc_outs if o.endswith(".cc")],
            hdrs = [o for o in grpc_outs if o.endswith(".h")],
            deps = [":" + name, "@system//:grpcpp"],
            visibility = visibility,
        )
