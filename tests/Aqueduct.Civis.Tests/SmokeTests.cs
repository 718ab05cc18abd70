namespace Aqueduct.Civis.Tests;

public class SmokeTests
{
    [Fact]
    public void CivisEnvironmentException_KeepsVariableNames()
    {
        var e = new CivisEnvironmentException("x", ["A", "B"]);
        Assert.Equal(["A", "B"], e.VariableNames);
    }
}
