// Loaded first by Pulumi's Node runtime (Pulumi.yaml, nodeargs): V8 keeps the compiled code of every module the
// program loads in a cache on disk (os.tmpdir()/node-compile-cache), so each `pulumi preview` / `up` after the
// first skips compiling @pulumi/pulumi and its dependencies again; most of the program's start-up is that
// (docs/benchmarks.md, "Deploy"). https://nodejs.org/api/module.html#moduleenablecompilecachedir
import { enableCompileCache } from "node:module";

enableCompileCache();
