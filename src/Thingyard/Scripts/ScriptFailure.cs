// Why a script did not give an answer, with the place in the script when the engine knows it (1-based line and column).
namespace Thingyard.Scripts;

public enum ScriptFailureKind
{
    /// <summary>The script does not parse.</summary>
    Syntax,
    /// <summary>The script threw (or a built-in did on its input).</summary>
    Runtime,
    /// <summary>The run took longer than TimeoutMs.</summary>
    Timeout,
    /// <summary>The run allocated more than MemoryBytes.</summary>
    Memory,
    /// <summary>Too many statements or calls nested too deep.</summary>
    Limit,
    /// <summary>The function returned something other than what the platform expects.</summary>
    Shape,
    /// <summary>The script does not define the function this message needs.</summary>
    Missing,
}

public sealed record ScriptFailure(ScriptFailureKind Kind, string Message, int? Line = null, int? Column = null)
{
    public override string ToString() => Line is { } l ? $"{Kind} at line {l}, column {Column}: {Message}" : $"{Kind}: {Message}";
}

public sealed class ScriptFailedException(ScriptFailure failure) : Exception(failure.ToString())
{
    public ScriptFailure Failure { get; } = failure;
}
