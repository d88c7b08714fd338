// What the AliGenie tests share: a project with end users and devices bound to them (bindings written straight to the
// database, as the binding service is not part of this area), the account-linking flow over real HTTP as Tmall
// Genie's cloud runs it (authorize, the sign-in page, the code, the token), and directives sent to the gateway.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.EndUsers;
using Thingyard.Storage;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.AliGenie;

public sealed record Linked(string AccessToken, string RefreshToken);

public static partial class AliGenieKit
{
    public const string Callback = "https://open.bot.tmall.com/oauth/callback?skillId=4242";

    public static async Task<string> ProjectAsync(this ThingyardServer server) =>
        (await server.Call("CreateProject", ("ProjectName", Unique("home")))).Str("Data.ProjectId");

    /// <summary>A product of the category in the project, its thing model (the category's standard features) published.</summary>
    public static async Task<string> CategoryProductAsync(this ThingyardServer server, string projectId, string category)
    {
        var pk = (await server.Call("CreateProduct", ("ProductName", Unique(category)), ("NodeType", "0"), ("ProjectId", projectId),
            ("CategoryKey", category))).Str("ProductKey");
        await server.Call("PublishThingModel", ("ProductKey", pk));
        return pk;
    }

    /// <summary>Signs up an end user of the project; returns the login (the password is always "linking-pass-1").</summary>
    public static async Task<string> EndUserAsync(this ThingyardServer server, string projectId)
    {
        var login = Unique("eu").ToLowerInvariant() + "@example.test";
        using var http = server.Http();
        await JsonOf(await http.PostAsJsonAsync($"/app/v1/projects/{projectId}/users", new { login, password = "linking-pass-1" }), HttpStatusCode.Created);
        return login;
    }

    /// <summary>Binds the device (by IotId) to the end user (by login) as its owner, or as a pending member.</summary>
    public static async Task BindAsync(this ThingyardServer server, string login, string iotId, bool pending = false)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        var user = await db.EndUsers.SingleAsync(u => u.Email == login);
        var device = await db.Devices.SingleAsync(d => d.IotId == iotId);
        var product = await db.Products.SingleAsync(p => p.Id == device.ProductId);
        db.DeviceBindings.Add(new DeviceBinding
        {
            AccountId = product.AccountId, ProjectId = product.ProjectId!.Value, DeviceId = device.Id, EndUserId = user.Id,
            Role = pending ? BindingRoles.Member : BindingRoles.Owner, OwnerDeviceId = pending ? null : device.Id, Pending = pending,
            Room = "Living room", CreatedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        });
        await db.SaveChangesAsync();
    }

    /// <summary>A client that keeps cookies (the sign-in form's antiforgery cookie) and does not follow redirects.</summary>
    public static HttpClient Browser(this ThingyardServer server) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = server.BaseAddress };

    public static string AuthorizeUrl(string clientId, string redirectUri = Callback, string state = "st-1") =>
        $"/aligenie/oauth/authorize?response_type=code&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}&state={state}";

    /// <summary>The sign-in form's fields (hidden ones included) with the login and password filled in.</summary>
    public static Dictionary<string, string> FormOf(string html, string login, string password)
    {
        var fields = HiddenField().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["login"] = login;
        fields["password"] = password;
        return fields;
    }

    /// <summary>The whole linking as Tmall Genie's cloud and the end user's browser do it; returns the tokens.</summary>
    public static async Task<Linked> LinkAsync(this ThingyardServer server, string clientId, string clientSecret, string login)
    {
        // AliGenie's callback names the skill and, per linking, a token of its own that must come back unchanged.
        var callback = Callback + "&token=" + Guid.NewGuid().ToString("N");
        using var browser = server.Browser();
        var page = await browser.GetAsync(AuthorizeUrl(clientId, callback));
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        var signedIn = await browser.PostAsync("/aligenie/oauth/authorize", new FormUrlEncodedContent(FormOf(html, login, "linking-pass-1")));
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, await signedIn.Content.ReadAsStringAsync());
        var location = signedIn.Headers.Location!.ToString();
        Assert.StartsWith(callback + "&", location);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(location).Query);
        Assert.Equal("st-1", query["state"]);
        var token = await server.TokenAsync(clientId, clientSecret, ("grant_type", "authorization_code"), ("code", query["code"]!), ("redirect_uri", callback));
        return new Linked(token.Str("access_token"), token.Str("refresh_token"));
    }

    public static async Task<JsonElement> TokenAsync(this ThingyardServer server, string clientId, string clientSecret, params (string, string)[] fields)
    {
        var response = await server.TokenResponseAsync(clientId, clientSecret, fields);
        return await JsonOf(response, HttpStatusCode.OK);
    }

    public static async Task<HttpResponseMessage> TokenResponseAsync(this ThingyardServer server, string clientId, string clientSecret, params (string, string)[] fields)
    {
        using var http = server.Http();
        var form = fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)).Append(KeyValuePair.Create("client_id", clientId))
            .Append(KeyValuePair.Create("client_secret", clientSecret));
        return await http.PostAsync("/aligenie/oauth/token", new FormUrlEncodedContent(form));
    }

    /// <summary>Sends one directive to the gateway; returns the whole answer (always HTTP 200).</summary>
    public static async Task<JsonElement> DirectiveAsync(this ThingyardServer server, string ns, string name, string token, string? deviceId = null,
        object? value = null)
    {
        using var http = server.Http();
        var payload = new Dictionary<string, object?> { ["accessToken"] = token, ["deviceType"] = "light", ["extensions"] = new { } };
        if (deviceId is not null) payload["deviceId"] = deviceId;
        if (value is not null) payload["value"] = value;
        var request = new
        {
            header = new { @namespace = "AliGenie.Iot.Device." + ns, name, messageId = Guid.NewGuid().ToString(), payLoadVersion = 1 },
            payload,
        };
        return await JsonOf(await http.PostAsJsonAsync("/aligenie/v1/gateway", request), HttpStatusCode.OK);
    }

    public static Task<JsonElement> DiscoverAsync(this ThingyardServer server, string token) => server.DirectiveAsync("Discovery", "DiscoveryDevices", token);

    /// <summary>The error code of an ErrorResponse (the test fails on any other answer).</summary>
    public static string ErrorOf(JsonElement answer)
    {
        Assert.True(answer.Str("header.name") == "ErrorResponse", answer.ToString());
        return answer.Str("payload.errorCode");
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}
