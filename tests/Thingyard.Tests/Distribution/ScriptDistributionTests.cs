// A custom-format product distributed to another instance takes its submitted data parsing script along: the copy
// serves it, the distributed device's bytes are decoded at the target, and the copy's script cannot be changed there.
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Tests.Scripts;

namespace Thingyard.Tests.Distribution;

public sealed class ScriptDistributionTests(Federation fed) : IClassFixture<Federation>
{
    [Fact]
    public async Task The_submitted_script_travels_with_the_product_and_decodes_the_device_at_the_target()
    {
        var pk = await fed.A.NewCustomProductAsync();
        await fed.A.SubmitScriptAsync(pk);
        await fed.A.Call("SaveScript", ("ProductKey", pk), ("ScriptContent", "// a draft stays at the source"), ("ScriptType", "JavaScript"));
        var d = await fed.A.NewTestDeviceAsync(pk);

        var job = await fed.A.FinishedAsync(await fed.A.DistributeAsync(pk, [d.DeviceName], 0, [Federation.BInfo.Id]));
        Assert.Equal(2, job.GetProperty("Status").GetInt32());

        var copy = (await fed.B.Call("GetThingScript", ("ProductKey", pk))).At("Data");
        Assert.Equal(ScriptSamples.Script, copy.Str("ScriptContent"));
        Assert.Equal("", copy.Str("ScriptDraft"));
        var refused = await fed.B.Fails("UpdateThingScript", ("ProductKey", pk), ("ScriptContent", ScriptSamples.Script), ("ScriptType", "JavaScript"));
        Assert.Equal("iot.distribution.ReadOnlyProduct", refused.Code);

        await using var device = await fed.B.ConnectAsync(d);
        await device.SubscribeAsync(device.Sys("thing/model/up_raw_reply"));
        await device.PublishAsync(device.Sys("thing/model/up_raw"), ScriptSamples.Report(8, 100, 0), qos: 1);
        var reply = await device.NextAsync(r => r.Topic == device.Sys("thing/model/up_raw_reply"));
        Assert.Equal(new byte[] { 0x02, 0, 0, 0, 8, 0xc8 }, reply.Bytes);
    }
}
