// The features of a thing model: properties, events and services, and the parameters events and services carry.
namespace Thingyard.Protocol.Tsl;

/// <summary>An input or output parameter of an event or service, or a member of a struct.</summary>
public sealed record TslParam(string Identifier, string Name, TslDataType DataType);

/// <summary>A property. AccessMode is "r" (read-only) or "rw" (read and write).</summary>
public sealed record TslProperty(string Identifier, string Name, string AccessMode, bool Required, string? Description, TslDataType DataType)
{
    public const string ReadOnly = "r";
    public const string ReadWrite = "rw";

    public bool Writable => AccessMode == ReadWrite;

    public TslParam AsParam() => new(Identifier, Name, DataType);
}

/// <summary>An event. Type is info, alert or error; Method is thing.event.{identifier}.post.</summary>
public sealed record TslEvent(string Identifier, string Name, string Type, string Method, IReadOnlyList<TslParam> OutputData,
    bool Required = false, string? Description = null)
{
    public const string Info = "info";
    public const string Alert = "alert";
    public const string Error = "error";

    /// <summary>The implicit event every model has: property reports.</summary>
    public const string PostIdentifier = "post";
    public const string PostMethod = "thing.event.property.post";

    public static string MethodFor(string identifier) => $"thing.event.{identifier}.post";

    public bool Equals(TslEvent? other) =>
        other is not null && Identifier == other.Identifier && Name == other.Name && Type == other.Type && Method == other.Method &&
        Required == other.Required && Description == other.Description && TslEquality.Same(OutputData, other.OutputData);

    public override int GetHashCode() => HashCode.Combine(Identifier, Name, Type, Method, Required, Description, TslEquality.Hash(OutputData));
}

/// <summary>A service. CallType is sync or async; Method is thing.service.{identifier}.</summary>
public sealed record TslService(string Identifier, string Name, string CallType, string Method, IReadOnlyList<TslParam> InputData,
    IReadOnlyList<TslParam> OutputData, bool Required = false, string? Description = null)
{
    public const string Sync = "sync";
    public const string Async = "async";

    /// <summary>The implicit services every model has: set and get properties.</summary>
    public const string SetIdentifier = "set";
    public const string SetMethod = "thing.service.property.set";
    public const string GetIdentifier = "get";
    public const string GetMethod = "thing.service.property.get";

    public static string MethodFor(string identifier) => $"thing.service.{identifier}";

    public bool Equals(TslService? other) =>
        other is not null && Identifier == other.Identifier && Name == other.Name && CallType == other.CallType && Method == other.Method &&
        Required == other.Required && Description == other.Description &&
        TslEquality.Same(InputData, other.InputData) && TslEquality.Same(OutputData, other.OutputData);

    public override int GetHashCode() =>
        HashCode.Combine(Identifier, Name, CallType, Method, Required, Description, TslEquality.Hash(InputData), TslEquality.Hash(OutputData));
}
