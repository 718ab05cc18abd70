using System.Text.Json.Nodes;
using Aqueduct.Civis.Tool.Commands;
using Aqueduct.Civis.Tool.Deploy;

namespace Aqueduct.Civis.Tool.Tests;

/// <summary>How deploy decides that a field changed, and the run summary's sizing hints.</summary>
public sealed class JsonDiffTests
{
    [Theory]
    [InlineData("""{"cpu":1000,"memory":2048,"diskSpace":null}""", """{"cpu":1000,"memory":2048}""", true)] // fields the manifest does not set do not count
    [InlineData("""{"diskSpace":1}""", """{"diskSpace":1.0}""", true)] // numbers by value
    [InlineData("""{"hours":[6,18]}""", """{"hours":[6]}""", false)]
    [InlineData("""{"hours":[18,6]}""", """{"hours":[6,18]}""", false)] // order counts
    [InlineData("""{"hours":null}""", """{"hours":[]}""", true)] // an empty list and none are the same
    [InlineData("""{}""", """{"urls":[]}""", true)]
    [InlineData("""{"tag":"1.0"}""", """{"tag":"1.0.0"}""", false)]
    [InlineData("""{"params":[{"name":"A","type":"string","value":null}]}""", """{"params":[{"name":"A","type":"string"}]}""", true)]
    [InlineData("""{"params":[{"name":"A","type":"string"}]}""", """{"params":[{"name":"A","type":"integer"}]}""", false)]
    [InlineData("""{"params":[{"name":"A","type":"string","allowedValues":[{"label":"x","value":"x"}]}]}""", """{"params":[{"name":"A","type":"string"}]}""", false)] // allowed values dropped from the manifest
    [InlineData("""{"params":[{"name":"A","type":"string","default":"7"}]}""", """{"params":[{"name":"A","type":"string"}]}""", false)] // a default dropped
    [InlineData("""{"params":[{"name":"A","type":"string","allowedValues":[],"description":"","required":false}]}""", """{"params":[{"name":"A","type":"string"}]}""", true)] // empty fields are no change
    public void Matches_CurrentAgainstDesired(string current, string desired, bool expected)
        => Assert.Equal(expected, JsonDiff.Matches(JsonNode.Parse(current), JsonNode.Parse(desired)));

    [Fact]
    public void ChangedKeys_TwoObjects_ReturnsOnlyTopLevelFieldsThatDiffer()
    {
        var current = JsonNode.Parse("""{"id":5,"name":"Trips","schedule":{"scheduled":true,"scheduledHours":[6]},"dockerImageTag":"1.0.0","createdAt":"2026-01-01"}""")!.AsObject();
        var desired = JsonNode.Parse("""{"name":"Trips","schedule":{"scheduled":true,"scheduledHours":[6,18]},"dockerImageTag":"1.0.0"}""")!.AsObject();

        Assert.Equal(["schedule"], JsonDiff.ChangedKeys(current, desired));
    }

    [Theory]
    [InlineData(300, 2048, "hint: the run used only 15 %")]
    [InlineData(1900, 2048, "hint: the run used 93 %")]
    [InlineData(1000, 2048, null)]
    public void Usage_HintWhenFarUnderOrNearTheRequest(double used, int requested, string? hint)
    {
        var (line, actual) = RunCommand.Usage("memory", used, requested, "MB");

        Assert.StartsWith("Max memory: ", line, StringComparison.Ordinal);
        if (hint is null)
        {
            Assert.Null(actual);
        }
        else
        {
            Assert.StartsWith(hint, actual?.Replace("%", " %", StringComparison.Ordinal).Replace("  %", " %", StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Usage_NotReported_SaysSo()
        => Assert.Equal(("Max CPU: not reported", null), RunCommand.Usage("CPU", null, 1000, "millicores"));
}
