using MortalHil.Core.Data;

namespace MortalHil.Core.Tests.Data;

public class IdxDatasetLoaderTests
{
    [Fact]
    public void A_directory_in_mnist_layout_loads_with_pixels_in_unit_range()
    {
        using var dir = new TempDirectory();
        SyntheticIdx.WriteDirectory(dir.Path, train: 12, test: 5, gzip: true);
        var data = IdxDatasetLoader.Load(dir.Path);
        Assert.Equal(12, data.Train.Count);
        Assert.Equal(5, data.Test.Count);
        Assert.Equal(784, data.Features);
        Assert.All(data.Train.Pixels, p => Assert.InRange(p, 0f, 1f));
        Assert.Contains(data.Train.Pixels, p => p > 0.5f);
    }

    [Fact]
    public void Image_and_label_counts_that_disagree_are_refused()
    {
        using var dir = new TempDirectory();
        SyntheticIdx.WriteDirectory(dir.Path, train: 12, test: 5);
        SyntheticIdx.Write(dir.Path, "train-labels-idx1-ubyte", SyntheticIdx.Labels(11, 2), gzip: false);
        var e = Assert.Throws<InvalidDataException>(() => IdxDatasetLoader.Load(dir.Path));
        Assert.Contains("11 labels", e.Message);
    }

    [Fact]
    public void Images_that_are_not_28x28_are_refused()
    {
        using var dir = new TempDirectory();
        SyntheticIdx.WriteDirectory(dir.Path, side: 14);
        var e = Assert.Throws<InvalidDataException>(() => IdxDatasetLoader.Load(dir.Path));
        Assert.Contains("14x14", e.Message);
    }

    [Fact]
    public void A_label_outside_ten_classes_is_refused()
    {
        using var dir = new TempDirectory();
        SyntheticIdx.WriteDirectory(dir.Path);
        SyntheticIdx.Write(dir.Path, "t10k-labels-idx1-ubyte", SyntheticIdx.Labels(10, 2, classes: 12), gzip: false);
        var e = Assert.Throws<InvalidDataException>(() => IdxDatasetLoader.Load(dir.Path));
        Assert.Contains("label", e.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        using var dir = new TempDirectory();
        SyntheticIdx.WriteDirectory(dir.Path);
        File.Delete(dir.Sub("t10k-images-idx3-ubyte"));
        var e = Assert.Throws<FileNotFoundException>(() => IdxDatasetLoader.Load(dir.Path));
        Assert.Contains("t10k-images-idx3-ubyte", e.Message);
    }

    [Fact]
    public void Downsampling_by_two_averages_each_two_by_two_block()
    {
        var pixels = new float[16];
        for (int i = 0; i < 16; i++) pixels[i] = i;
        var set = new LabeledImageSet("t", pixels, [3], 4, 4, 10);
        var small = ImagePreprocessing.Downsample(set, 2);
        Assert.Equal(2, small.Height);
        Assert.Equal(new[] { (0 + 1 + 4 + 5) / 4f, (2 + 3 + 6 + 7) / 4f, (8 + 9 + 12 + 13) / 4f, (10 + 11 + 14 + 15) / 4f }, small.Pixels);
        Assert.Equal(set.Labels, small.Labels);
    }

    [Fact]
    public void Per_image_normalisation_scales_each_image_to_a_maximum_of_one()
    {
        var set = new LabeledImageSet("t", [0.1f, 0.2f, 0.5f, 0.25f], [1, 2], 1, 2, 10);
        var n = ImagePreprocessing.Normalize(set, PixelNormalization.PerImageMax);
        Assert.Equal(new[] { 0.5f, 1f, 1f, 0.5f }, n.Pixels);
    }

    [Theory]
    [InlineData("mnist", true)]
    [InlineData("MNIST", true)]
    [InlineData("idx:/tmp/fashion", false)]
    public void Dataset_specs_parse(string text, bool mnist) => Assert.Equal(mnist, DatasetSpec.Parse(text).IsMnist);

    [Theory]
    [InlineData("cifar")]
    [InlineData("idx:")]
    public void Unknown_dataset_specs_are_format_errors(string text) => Assert.Throws<FormatException>(() => DatasetSpec.Parse(text));
}
