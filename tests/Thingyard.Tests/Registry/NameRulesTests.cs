// The platform's naming rules on their own: lengths where a CJK character counts twice, and the allowed characters.
using Thingyard.Common;
using Thingyard.Registry;

namespace Thingyard.Tests.Registry;

public sealed class NameRulesTests
{
    [Theory]
    [InlineData("Lamp")]
    [InlineData("Smart_Lamp-2(v1)@home")]
    [InlineData("智能灯泡")]                       // 4 CJK characters count as 8
    [InlineData("灯a_b")]
    [InlineData("123456789012345678901234567890")] // 30
    public void Product_names_within_the_rule_pass(string name) => NameRules.CheckProductName(name);

    [Theory]
    [InlineData("abc")]
    [InlineData("灯")]                              // counts as 2
    [InlineData("1234567890123456789012345678901")] // 31
    [InlineData("智能灯泡智能灯泡智能灯泡智能灯泡")]   // 16 CJK characters count as 32
    [InlineData("has space")]
    [InlineData("semi;colon")]
    public void Product_names_outside_the_rule_are_refused_with_their_code(string name) =>
        Assert.Equal(IotErrors.InvalidProductName, Assert.Throws<IotException>(() => NameRules.CheckProductName(name)).Code);

    [Theory]
    [InlineData("dev1", true)]
    [InlineData("a:b.c@d-e_f", true)]
    [InlineData("dev", false)]
    [InlineData("dev/1", false)]
    public void Device_names_follow_their_rule(string name, bool valid)
    {
        if (valid) NameRules.CheckDeviceName(name);
        else Assert.Equal(IotErrors.InvalidDeviceName, Assert.Throws<IotException>(() => NameRules.CheckDeviceName(name)).Code);
    }

    [Theory]
    [InlineData("my_lamp", true)]
    [InlineData("客厅灯", true)]
    [InlineData("lamp-1", false)] // no '-' in nicknames
    [InlineData("abc", false)]
    public void Nicknames_follow_their_rule(string nickname, bool valid)
    {
        if (valid) NameRules.CheckNickname(nickname);
        else Assert.Equal(IotErrors.InvalidNickname, Assert.Throws<IotException>(() => NameRules.CheckNickname(nickname)).Code);
    }

    [Theory]
    [InlineData("group_1", true)]
    [InlineData("一楼", true)]
    [InlineData("grp", false)]
    [InlineData("group-1", false)]
    public void Group_names_follow_their_rule(string name, bool valid)
    {
        if (valid) NameRules.CheckGroupName(name);
        else Assert.Equal(IotErrors.InvalidGroupName, Assert.Throws<IotException>(() => NameRules.CheckGroupName(name)).Code);
    }
}
