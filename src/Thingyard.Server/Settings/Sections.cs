// The configuration sections, one options class each (see SettingsSetup). Environment variables spell them with "__"
// (Thingyard__Mqtt__Port), command-line flags and appsettings.json with ":" or nesting.
namespace Thingyard.Server.Settings;

public static class Sections
{
    /// <summary>InstanceOptions: the keys directly under Thingyard (DataDir, InstanceId, ...).</summary>
    public const string Instance = "Thingyard";
    public const string Mqtt = "Thingyard:Mqtt";
    public const string Storage = "Thingyard:Storage";
    public const string Admin = "Thingyard:Admin";
    public const string Security = "Thingyard:Security";
    public const string AuthFailures = "Thingyard:Security:AuthFailures";
    public const string Federation = "Thingyard:Federation";
    public const string Telemetry = "Thingyard:Telemetry";
    public const string Console = "Thingyard:Console";
    public const string Amqp = "Thingyard:Amqp";
    public const string Smtp = "Thingyard:Smtp";
    public const string Alarms = "Thingyard:Alarms";
    public const string Id2 = "Thingyard:Id2";
    public const string Webhooks = "Thingyard:Webhooks";
    public const string Scripts = "Thingyard:Scripts";
    public const string Cluster = "Thingyard:Cluster";
}
