// What the ID² pages show: labels for patterns, key types and statuses, and the rows they read from the actions.
using System.Text.Json.Nodes;
using Thingyard.Id2;

namespace Thingyard.Server.Console.Id2;

public static class Id2Text
{
    public static readonly string[] KeyTypes = ["aes", "3des", "sm4", "rsa", "sm2"];

    public static string KeyType(string type) => type switch
    {
        "aes" => "AES-128", "3des" => "3DES", "sm4" => "SM4", "rsa" => "RSA-1024", "sm2" => "SM2", _ => type,
    };

    public static string Pattern(string pattern) => pattern == Id2Plans.IotPattern ? "This platform" : "Own platform";

    public static string Status(string status) => status switch
    {
        Id2Status.Issued => "Issued", Id2Status.Activated => "Activated", Id2Status.Suspended => "Suspended", Id2Status.Revoked => "Revoked", _ => status,
    };

    public sealed record ProductRow(string ProductKey, string Name, string Pattern, string Carrier, string KeyType, bool Whitelist, long Allocated, long Used)
    {
        public static ProductRow From(JsonNode p) => new((string)p["ProductKey"]!, (string)p["Name"]!, (string)p["Pattern"]!, (string)p["Carrier"]!,
            (string)p["KeyType"]!, (bool)p["Whitelist"]!, (long)p["Quota"]!["Allocated"]!, (long)p["Quota"]!["Used"]!);
    }

    public static async Task<List<ProductRow>> ProductsAsync(ConsoleApi api) =>
        (await api.CallAsync("QueryId2ProductList"))["Data"]!["List"]!["Id2ProductInfo"]!.AsArray().Select(p => ProductRow.From(p!)).ToList();
}
