// Steps a person takes on the console's product pages, for the product tests and the console walk (ConsoleWalkTests).
// Each step waits for its visible result, so the next step can start at once. Forcing a disabled control is
// GroupSteps.ForceClickAsync.
using System.Text;
using Microsoft.Playwright;

namespace Thingyard.Tests.Console;

/// <summary>A parameter of an event or service as the editor takes it: a numeric type gets min and max, text a length.</summary>
public sealed record ParamSpec(string Identifier, string Name, string Type = "int", string Min = "0", string Max = "100", string? Unit = null);

public static class ProductSteps
{
    /// <summary>Creates a product with the list page's dialog and returns its ProductKey (the page is then on its detail page).</summary>
    public static async Task<string> CreateProductAsync(this IPage page, string name, bool gateway = false, bool dynamicRegistration = false,
        string? description = null)
    {
        await page.OpenAsync("/console/products");
        await page.ClickAsync("#create-product");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.Locator("#create-name").FillAsync(name);
        if (gateway) await dialog.SelectAsync("Node type", "Gateway");
        if (dynamicRegistration) await dialog.Locator("#create-dynamic").CheckAsync();
        if (description is not null) await dialog.Locator("#create-description").FillAsync(description);
        await dialog.Locator("#create-submit").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/console/products/", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#product-title")).ToHaveTextAsync(name);
        return page.Url.Split('/').Last().Split('?')[0];
    }

    /// <summary>Opens a product on one tab: info, topics, features or config.</summary>
    public static async Task OpenProductAsync(this IPage page, string productKey, string tab = "info")
    {
        await page.OpenAsync($"/console/products/{productKey}?tab={tab}");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Selected = true })).ToBeVisibleAsync();
    }

    /// <summary>Chooses an option of the MudSelect labelled <paramref name="label"/> inside <paramref name="scope"/>.</summary>
    public static async Task SelectAsync(this ILocator scope, string label, string option)
    {
        var select = scope.GetByRole(AriaRole.Combobox, new() { Name = label, Exact = true });
        await ExpectVisibleAsync(select);
        await select.PickAsync(scope.Page.GetByRole(AriaRole.Option, new() { Name = option }).First);
        // Shown once the server has the value: the next click cannot overtake it.
        await Assertions.Expect(select).ToContainTextAsync(option);
    }

    /// <summary>Waits for an element to be visible; when it does not become visible, the failure says why (its box and
    /// the first ancestor that hides it), which a screenshot-less CI log cannot show otherwise.</summary>
    public static async Task ExpectVisibleAsync(ILocator element)
    {
        try
        {
            await Assertions.Expect(element).ToBeVisibleAsync();
        }
        catch (PlaywrightException e)
        {
            var why = await element.EvaluateAsync<string>("""
                e => {
                  const r = e.getBoundingClientRect();
                  let hidden = '';
                  for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
                    const s = getComputedStyle(n);
                    if (s.display === 'none' || s.visibility === 'hidden' || n.getClientRects().length === 0) {
                      hidden = `${n.tagName}#${n.id}.${n.className} display=${s.display} visibility=${s.visibility}`; break;
                    }
                  }
                  return `box ${r.width}x${r.height} at ${r.x},${r.y}; hidden by ${hidden || 'nothing found'}; url ${location.href}`;
                }
                """);
            throw new PlaywrightException($"{e.Message}\n{why}");
        }
    }

    /// <summary>Opens a MudSelect and clicks one of its options, until its list has closed: on a loaded machine a click can
    /// land before the list is wired to the circuit, and the open list would then cover the next control.</summary>
    public static async Task PickAsync(this ILocator select, ILocator option)
    {
        var open = select.Page.Locator(".mud-popover-open [role=option]");
        for (var attempt = 1; ; attempt++)
        {
            if (await open.CountAsync() == 0) await select.ClickAsync();
            await option.ClickAsync();
            try
            {
                await Assertions.Expect(open).ToHaveCountAsync(0, new() { Timeout = 5_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3) { }
        }
    }

    /// <summary>The feature editor's field at a TSL path relative to the feature ("dataType.specs.min").</summary>
    public static ILocator Field(this IPage page, string path) => page.Locator($"#feature-editor [data-field='{path}']").First;

    /// <summary>The input of the text field at a TSL path ("tsl-" + the path with '.', '[' and ']' as '-').</summary>
    public static ILocator FieldInput(this IPage page, string path) =>
        page.Locator("#" + "tsl-" + string.Join('-', path.Split(['.', '[', ']'], StringSplitOptions.RemoveEmptyEntries)));

    /// <summary>Sets a data type and its numeric specs at <paramref name="path"/> ("dataType", "inputData[0].dataType").</summary>
    public static async Task SetNumericTypeAsync(this IPage page, string path, string type, string min, string max, string? step = null, string? unit = null)
    {
        await page.Field(path + ".type").SelectAsync(Label(page, path), TypeOption(type));
        await page.FieldInput(path + ".specs.min").FillAsync(min);
        await page.FieldInput(path + ".specs.max").FillAsync(max);
        if (step is not null) await page.FieldInput(path + ".specs.step").FillAsync(step);
        if (unit is not null) await page.FieldInput(path + ".specs.unit").FillAsync(unit);
    }

    /// <summary>Adds a float property with a range on the Feature definition tab, and waits for it in the draft.</summary>
    public static async Task AddFloatPropertyAsync(this IPage page, string identifier, string name, string min, string max,
        string? step = null, string? unit = null, bool readOnly = false)
    {
        await page.ClickAsync("#add-property");
        await page.FieldInput("identifier").FillAsync(identifier);
        await page.FieldInput("name").FillAsync(name);
        if (readOnly) await page.Field("accessMode").SelectAsync("Access mode", "r (read only)");
        await page.SetNumericTypeAsync("dataType", "float", min, max, step, unit);
        await page.ClickAsync("#save-feature");
        await page.ExpectFeatureAsync(identifier);
    }

    /// <summary>Adds an async service with the given input and output parameters, and waits for it in the draft.</summary>
    public static Task AddAsyncServiceAsync(this IPage page, string identifier, string name, IReadOnlyList<ParamSpec> inputs,
        IReadOnlyList<ParamSpec> outputs) => page.AddServiceAsync(identifier, name, inputs, outputs, sync: false);

    /// <summary>Adds a service (async, or sync) with the given input and output parameters, and waits for it in the draft.</summary>
    public static async Task AddServiceAsync(this IPage page, string identifier, string name, IReadOnlyList<ParamSpec> inputs,
        IReadOnlyList<ParamSpec> outputs, bool sync)
    {
        await page.ClickAsync("#add-service");
        await page.FieldInput("identifier").FillAsync(identifier);
        await page.FieldInput("name").FillAsync(name);
        if (sync) await page.Field("callType").SelectAsync("Call type", "sync");
        await page.AddParamsAsync("inputData", inputs);
        await page.AddParamsAsync("outputData", outputs);
        await page.ClickAsync("#save-feature");
        await page.ExpectFeatureAsync(identifier);
    }

    /// <summary>Adds an event (info, alert or error) with the given output parameters, and waits for it in the draft.</summary>
    public static async Task AddEventAsync(this IPage page, string identifier, string name, string type, IReadOnlyList<ParamSpec> outputs)
    {
        await page.ClickAsync("#add-event");
        await page.FieldInput("identifier").FillAsync(identifier);
        await page.FieldInput("name").FillAsync(name);
        if (type != "info") await page.Field("type").SelectAsync("Event type", type);
        await page.AddParamsAsync("outputData", outputs);
        await page.ClickAsync("#save-feature");
        await page.ExpectFeatureAsync(identifier);
    }

    /// <summary>Adds parameters to the list at <paramref name="path"/> of the open feature editor.</summary>
    public static async Task AddParamsAsync(this IPage page, string path, IReadOnlyList<ParamSpec> parameters)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var at = $"{path}[{i}]";
            await page.ClickAsync("#" + "tsl-" + path + "-add");
            await page.FieldInput(at + ".identifier").FillAsync(p.Identifier);
            await page.FieldInput(at + ".name").FillAsync(p.Name);
            if (p.Type is "int" or "float" or "double")
                await page.SetNumericTypeAsync(at + ".dataType", p.Type, p.Min, p.Max, unit: p.Unit);
            else
                await page.Field(at + ".dataType.type").SelectAsync(Label(page, at + ".dataType"), TypeOption(p.Type));
        }
    }

    /// <summary>Waits until the draft's feature list shows this identifier.</summary>
    public static Task ExpectFeatureAsync(this IPage page, string identifier) =>
        Assertions.Expect(page.Locator("#feature-table [data-test=feature-identifier]", new() { HasTextString = identifier }).First).ToHaveTextAsync(identifier);

    /// <summary>Publishes the draft under <paramref name="version"/> and waits for it in the versions list.</summary>
    public static async Task PublishAsync(this IPage page, string version, string? description = null)
    {
        await page.FillAsync("#publish-version", version);
        if (description is not null) await page.FillAsync("#publish-description", description);
        await page.ClickAsync("#publish");
        await Assertions.Expect(page.Locator("#versions-table [data-test=version]").First).ToHaveTextAsync(version);
    }

    /// <summary>Replaces the draft with a TSL document pasted into the import panel.</summary>
    public static async Task ImportTslAsync(this IPage page, string tsl)
    {
        await page.ClickAsync("#open-import");
        await page.FillAsync("#import-text", tsl);
        await page.ClickAsync("#import-tsl");
    }

    /// <summary>Downloads the draft's TSL with the Export button and returns it.</summary>
    public static async Task<string> ExportTslAsync(this IPage page)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-tsl"));
        await using var stream = await download.CreateReadStreamAsync();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    static string Label(IPage _, string typePath)
    {
        // The editor names nested fields after their place: "Input 1 Data type", "Output 2 Data type".
        var parts = typePath.Split(['[', ']', '.'], StringSplitOptions.RemoveEmptyEntries);
        return parts switch
        {
            ["dataType"] => "Data type",
            ["inputData", var i, "dataType"] => $"Input {int.Parse(i) + 1} Data type",
            ["outputData", var i, "dataType"] => $"Output {int.Parse(i) + 1} Data type",
            _ => throw new ArgumentException($"no label known for {typePath}", nameof(typePath)),
        };
    }

    static string TypeOption(string type) => type switch
    {
        "int" => "int (integer)",
        "float" => "float (single precision)",
        "double" => "double (double precision)",
        "date" => "date (UTC ms)",
        _ => type,
    };
}
