// The console bench (--console): one Thingyard instance with --console-devices devices (default 10,000) in one
// product; signs in to the web console over HTTP like a browser (antiforgery token, sign-in cookie) and times the
// server-side render of the device list's first page (GET /console/devices: the complete HTML, first page of devices
// included, to the last byte), and of the overview for comparison. Figures, not assertions: docs/performance.md.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Thingyard.Bench;

public sealed partial class ConsoleBench(BenchOptions o, Results results, Action<string> say)
{
    const string Password = "bench-console-password";
    const string Column = "Thingyard";

    public async Task RunAsync()
    {
        var system = await ThingyardSystem.StartAsync(o, say, "thingyard", o.DataDir ?? Path.Combine(o.WorkDir, "thingyard-data"),
            ChildProcess.FreePort(), ChildProcess.FreePort(), new Dictionary<string, string> { ["Thingyard__Admin__Password"] = Password });
        using (system)
        {
            var pk = await system.CreateModelledProductAsync();
            var started = Stopwatch.StartNew();
            for (var left = o.ConsoleDevices; left > 0;)
            {
                var n = Math.Min(left, 10_000);
                var job = await system.Rpc.CallAsync("BatchRegisterDevice",
                    [KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("Count", n.ToString(CultureInfo.InvariantCulture))]);
                await system.WaitForJobAsync(pk, job.GetProperty("Data").GetProperty("ApplyId").ToString());
                left -= n;
            }
            say($"registered {o.ConsoleDevices:N0} devices in {started.Elapsed.TotalSeconds:F0} s");

            using var browser = await SignInAsync(system.Http);
            var label = $"{o.ConsoleDevices:N0} devices";
            await TimeAsync(browser, "/console/devices", $"Device list, first page ({label})", html => DeviceRow().IsMatch(html));
            await TimeAsync(browser, "/console", $"Overview ({label})", html => html.Contains("Overview", StringComparison.Ordinal));
            if (system.Process.HasExited) results.Note($"Thingyard EXITED during the run; see {system.Process.LogPath}");
        }
    }

    /// <summary>A client with the console's cookies, signed in as the first user through the sign-in form.</summary>
    static async Task<HttpClient> SignInAsync(Uri server)
    {
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = server };
        var form = await http.GetStringAsync("/console/signin");
        var token = Token().Match(form).Groups[1].Value;
        using var response = await http.PostAsync("/console/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["Input.UserName"] = "admin", ["Input.Password"] = Password,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"console sign-in answered {(int)response.StatusCode}");
        return http;
    }

    async Task TimeAsync(HttpClient http, string path, string metric, Func<string, bool> complete)
    {
        const int warmUp = 5, runs = 30;
        var times = new List<double>();
        for (var i = 0; i < warmUp + runs; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync();
            clock.Stop();
            if (response.StatusCode != HttpStatusCode.OK || !complete(html))
                throw new InvalidOperationException($"{path} answered {(int)response.StatusCode} without the expected content");
            if (i >= warmUp) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        double At(double q) => times[(int)Math.Min(times.Count - 1, Math.Round(q * (times.Count - 1)))];
        results.Add("Console", metric + ", p50", "ms", false, Column, At(0.5));
        results.Add("Console", metric + ", p95", "ms", false, Column, At(0.95));
        say($"{metric}: p50 {At(0.5):F1} ms, p95 {At(0.95):F1} ms, max {times[^1]:F1} ms over {runs} renders");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    /// <summary>A device row of the list (its link to the device page): the first page is in the server's HTML.</summary>
    [GeneratedRegex("/console/devices/[A-Za-z0-9]+/[^\"/]+\"")]
    private static partial Regex DeviceRow();
}
