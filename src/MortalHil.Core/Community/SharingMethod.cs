namespace MortalHil.Core.Community;

/// <summary>How the boards of a community share what they learned.</summary>
public enum SharingMethod
{
    /// <summary>Identical digital replicas average their weights (FedAvg): parameters x 32 bits per message.</summary>
    DigitalWeightAveraging,
    /// <summary>Mortal boards distil from each other's averaged soft outputs on a common unlabelled transfer set.</summary>
    MutualDistillation,
    /// <summary>Mortal boards measure their conductances, average them as weights and program the average back.</summary>
    ConductanceAveraging,
    /// <summary>
    /// The control: the mutual-distillation boards (same serials, so the same round 0) each keep training on their own
    /// shard and share nothing; what the sharing methods gain over this line is what the exchange itself added.
    /// </summary>
    MortalAlone,
}

/// <summary>Names used in files and plots.</summary>
public static class SharingMethods
{
    public static string Name(this SharingMethod m) => m switch
    {
        SharingMethod.DigitalWeightAveraging => "digital-weight-averaging",
        SharingMethod.MutualDistillation => "mutual-distillation",
        SharingMethod.ConductanceAveraging => "conductance-averaging",
        SharingMethod.MortalAlone => "mortal-alone",
        _ => throw new ArgumentOutOfRangeException(nameof(m)),
    };
}
