// The keys directly under Thingyard: which instance this is, where it keeps its data, and its HTTP face.
using Microsoft.Extensions.Options;

namespace Thingyard.Server.Settings;

public sealed class InstanceOptions
{
    /// <summary>A relative folder is taken from the working directory the server was started in (made absolute when
    /// bound, see SettingsSetup).</summary>
    public string DataDir { get; set; } = "./data";
    public string RegionId { get; set; } = "cn-shanghai";
    public string InstanceId { get; set; } = "iotx-thingyard";
    /// <summary>Base URL devices reach this server's HTTP on (download links in MQTT messages); defaults to
    /// Federation:HttpUrl, then to the address the server listens on.</summary>
    public string? PublicHttpUrl { get; set; }
    /// <summary>Open HTTP connections Kestrel accepts (REST, RPC, device HTTP, WebSocket MQTT); further ones wait in the
    /// listen backlog. Also reserved out of the descriptor limit when the MQTT cap is automatic.</summary>
    public int MaxHttpConnections { get; set; } = 1000;
}

public sealed class InstanceOptionsValidator : IValidateOptions<InstanceOptions>
{
    public ValidateOptionsResult Validate(string? name, InstanceOptions o)
    {
        var e = new SettingErrors(Sections.Instance);
        if (string.IsNullOrWhiteSpace(o.DataDir)) e.Add(nameof(o.DataDir), "is empty; give a folder, e.g. ./data or /var/lib/thingyard");
        else if (File.Exists(o.DataDir)) e.Add(nameof(o.DataDir), $"{SettingErrors.Quote(o.DataDir)} is a file; give a folder (created if missing)");
        if (string.IsNullOrWhiteSpace(o.RegionId)) e.Add(nameof(o.RegionId), "is empty; give the region this instance reports, e.g. cn-shanghai");
        e.InstanceId(nameof(o.InstanceId), o.InstanceId);
        e.HttpUrl(nameof(o.PublicHttpUrl), o.PublicHttpUrl, "https://iot.example.com");
        e.AtLeast(nameof(o.MaxHttpConnections), o.MaxHttpConnections, 1);
        return e.Result;
    }
}
