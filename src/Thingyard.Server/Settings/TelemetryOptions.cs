// Where traces go (Hosting/Observability.cs). Not device telemetry: that is Storage and the telemetry writer.
using Microsoft.Extensions.Options;

namespace Thingyard.Server.Settings;

public sealed class TelemetryOptions
{
    public const string HttpProtobuf = "http/protobuf";
    public const string Grpc = "grpc";

    /// <summary>Base URL of an OTLP collector (http://collector:4318). Unset: traces are exported only when the
    /// standard OTEL_EXPORTER_OTLP_ENDPOINT is set, else not at all.</summary>
    public string? OtlpEndpoint { get; set; }
    /// <summary>http/protobuf (/v1/traces is appended to the endpoint) or grpc; applies to OtlpEndpoint only.</summary>
    public string OtlpProtocol { get; set; } = HttpProtobuf;
}

public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions o)
    {
        var e = new SettingErrors(Sections.Telemetry);
        e.HttpUrl(nameof(o.OtlpEndpoint), o.OtlpEndpoint, "http://otel-collector:4318");
        if (o.OtlpProtocol is not (TelemetryOptions.HttpProtobuf or TelemetryOptions.Grpc))
            e.Add(nameof(o.OtlpProtocol), $"{SettingErrors.Quote(o.OtlpProtocol)} is not an OTLP protocol; use http/protobuf or grpc");
        return e.Result;
    }
}
