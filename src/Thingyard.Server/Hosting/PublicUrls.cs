// Where devices reach this server over HTTP, for links handed out in MQTT messages (no request to take a host from).
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Thingyard.Server.Distribution;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Hosting;

public sealed class PublicUrls(InstanceOptions instance, FederationOptions federation, IServer server)
{
    /// <summary>PublicHttpUrl, else Federation:HttpUrl, else the first listening address (a wildcard host becomes the
    /// machine name).</summary>
    public string HttpBase
    {
        get
        {
            var configured = instance.PublicHttpUrl ?? federation.HttpUrl;
            if (!string.IsNullOrEmpty(configured)) return configured.TrimEnd('/');
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost";
            var uri = new Uri(address.Replace("://+", "://localhost").Replace("://*", "://localhost"));
            var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? Environment.MachineName : uri.Host;
            return new UriBuilder(uri.Scheme, host, uri.Port).Uri.ToString().TrimEnd('/');
        }
    }
}
