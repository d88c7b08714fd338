// A TSL document or feature list that fails validation, with every problem found, each prefixed by its JSON path.
namespace Thingyard.Protocol.Tsl;

public sealed class TslValidationException : Exception
{
    /// <summary>At most this many errors are joined into the message; <see cref="Errors"/> always holds them all.</summary>
    public const int MessageErrorLimit = 50;

    public TslValidationException(IReadOnlyList<string> errors) : base(Format(errors)) => Errors = errors;

    public TslValidationException(string error) : this([error]) { }

    /// <summary>Each problem as "path: what is wrong", e.g. "properties[2].dataType.specs.min: must be a number".</summary>
    public IReadOnlyList<string> Errors { get; }

    static string Format(IReadOnlyList<string> errors)
    {
        var shown = string.Join("; ", errors.Take(MessageErrorLimit));
        return errors.Count > MessageErrorLimit
            ? $"Invalid TSL: {shown}; and {errors.Count - MessageErrorLimit} more errors."
            : $"Invalid TSL: {shown}";
    }
}
