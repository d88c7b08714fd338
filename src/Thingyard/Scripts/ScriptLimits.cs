// What one script run may use. A script runs on the device message path, so every run is bounded: wall time,
// memory allocated, statements executed and call depth; a script larger than MaxScriptBytes is refused when saved.
namespace Thingyard.Scripts;

public sealed record ScriptLimits(int TimeoutMs = 200, long MemoryBytes = 16 * 1024 * 1024, int MaxStatements = 1_000_000,
    int RecursionDepth = 64, int MaxScriptBytes = 128 * 1024);
