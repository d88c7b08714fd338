// Settings bound from the "Thingyard" section (environment: Thingyard__Section__Key); every default works on a laptop.
using Thingyard.Accounts;
using Thingyard.Storage;

namespace Thingyard.Server.Hosting;

public sealed class ThingyardOptions
{
    public string DataDir { get; set; } = "./data";
    public string RegionId { get; set; } = "cn-shanghai";
    public string InstanceId { get; set; } = "iotx-thingyard";
    public MqttOptions Mqtt { get; set; } = new();
    public StorageOptions Storage { get; set; } = new();
    public AdminOptions Admin { get; set; } = new();
    public SecurityOptions Security { get; set; } = new();
}

public sealed class MqttOptions
{
    public int Port { get; set; } = 1883;
    public int TlsPort { get; set; } = 8883;
}

public sealed class SecurityOptions
{
    /// <summary>Base64 of 32 bytes sealing secrets at rest; when empty, master.key in the data folder is used (and created).</summary>
    public string? MasterKey { get; set; }
}
