<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AnalysisDocument</name>
    <message>
        <source>token %1: %2</source>
        <translation>词元 %1：%2</translation>
    </message>
    <message>
        <source>token %1: %2, id %3</source>
        <translation>词元 %1：%2，ID %3</translation>
    </message>
    <message>
        <source>vocabulary entry: “%1”</source>
        <translation>词表条目：“%1”</translation>
    </message>
    <message>
        <source>bytes %1–%2 of the text</source>
        <translation>文本的第 %1–%2 字节</translation>
    </message>
</context>
<context>
    <name>BatchExportDialog</name>
    <message>
        <source>Batch export</source>
        <translation>批量导出</translation>
    </message>
    <message>
        <source>Every head of layer %1</source>
        <translation>第 %1 层的每个注意力头</translation>
    </message>
    <message>
        <source>Every layer × head</source>
        <translation>每个层 × 头</translation>
    </message>
    <message>
        <source>Every method for the selection (head, mean, max, min, rollout, flow if computed)</source>
        <translation>当前选择的每种方法（单头、平均、最大、最小、注意力汇聚，以及已计算的注意力流）</translation>
    </message>
    <message>
        <source>Figures:</source>
        <translation>图：</translation>
    </message>
    <message>
        <source>View:</source>
        <translation>视图：</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source> dpi</source>
        <translation> dpi</translation>
    </message>
    <message>
        <source>PNG resolution:</source>
        <translation>PNG 分辨率：</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>Also a one-page overview of every layer × head</source>
        <translation>另附一页所有层 × 头的总览</translation>
    </message>
    <message>
        <source>Provenance file beside each figure</source>
        <translation>在每张图旁写入溯源文件</translation>
    </message>
    <message>
        <source>Export into folder</source>
        <translation>导出到文件夹</translation>
    </message>
</context>
<context>
    <name>BatchExporter</name>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>Keep as reference</source>
        <translation>设为参照</translation>
    </message>
    <message>
        <source>Keep the current result as A; then run another input, or the same input on another model, as B (Ctrl+Shift+K)</source>
        <translation>把当前结果设为 A；再运行另一个输入，或在另一个模型上运行同一输入，作为 B（Ctrl+Shift+K）</translation>
    </message>
    <message>
        <source>Clear reference</source>
        <translation>清除参照</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <source>JS divergence</source>
        <translation>JS 散度</translation>
    </message>
    <message>
        <source>Heads by the mean Jensen–Shannon divergence (bits) of their aligned rows; click one to show it in both</source>
        <translation>按对齐行的平均 Jensen–Shannon 散度（比特）排列的注意力头；点击一个即在两边显示它</translation>
    </message>
    <message>
        <source>No reference yet: Keep as reference stores the current result as A.</source>
        <translation>还没有参照：“设为参照”会把当前结果存为 A。</translation>
    </message>
    <message>
        <source>A = reference (%1, %2 tokens); B = the current result. Same colour scale for both; A − B in red (A higher) and blue (B higher).</source>
        <translation>A = 参照（%1，%2 个词元）；B = 当前结果。两者使用同一颜色刻度；A − B 中红色表示 A 更高，蓝色表示 B 更高。</translation>
    </message>
    <message>
        <source>%1 H%2: mean JS divergence %3 bits (click to show)</source>
        <translation>%1 H%2：平均 JS 散度 %3 比特（点击显示）</translation>
    </message>
    <message>
        <source>“%1” → “%2”
A %3 · B %4 · A − B %5</source>
        <translation>“%1”→“%2”
A %3 · B %4 · A − B %5</translation>
    </message>
</context>
<context>
    <name>ControlsBar</name>
    <message>
        <source>Layer (↑/↓ in a view)</source>
        <translation>层（在视图中按 ↑/↓）</translation>
    </message>
    <message>
        <source>Head (←/→ in a view), or a fusion of heads</source>
        <translation>注意力头（在视图中按 ←/→），或多个头的融合</translation>
    </message>
    <message>
        <source>raw</source>
        <translation>原始</translation>
    </message>
    <message>
        <source>rollout</source>
        <translation>注意力汇聚</translation>
    </message>
    <message>
        <source>flow</source>
        <translation>注意力流</translation>
    </message>
    <message>
        <source>matrix max</source>
        <translation>矩阵最大值</translation>
    </message>
    <message>
        <source>global max</source>
        <translation>全局最大值</translation>
    </message>
    <message>
        <source>log</source>
        <translation>对数</translation>
    </message>
    <message>
        <source>clip 2% outliers</source>
        <translation>裁掉 2% 离群值</translation>
    </message>
    <message>
        <source>Hide special tokens</source>
        <translation>隐藏特殊词元</translation>
    </message>
    <message>
        <source>Drop [CLS], [SEP], &lt;s&gt;, … and renormalise each row over the remaining tokens</source>
        <translation>去掉 [CLS]、[SEP]、&lt;s&gt; 等，并在其余词元上重新归一化每一行</translation>
    </message>
    <message>
        <source>&amp;Layer</source>
        <translation>层(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Head</source>
        <translation>头(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Method</source>
        <translation>方法(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Colours</source>
        <translation>配色(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Scale</source>
        <translation>刻度(&amp;S)</translation>
    </message>
    <message>
        <source>head %1</source>
        <translation>第 %1 个头</translation>
    </message>
    <message>
        <source>mean of heads</source>
        <translation>各头平均</translation>
    </message>
    <message>
        <source>max of heads</source>
        <translation>各头最大</translation>
    </message>
    <message>
        <source>min of heads</source>
        <translation>各头最小</translation>
    </message>
    <message>
        <source>subset…</source>
        <translation>子集…</translation>
    </message>
    <message>
        <source>Mean of a subset of heads</source>
        <translation>若干注意力头的平均</translation>
    </message>
    <message>
        <source>Heads (e.g. 0,2,5):</source>
        <translation>注意力头（例如 0,2,5）：</translation>
    </message>
    <message>
        <source>head %1 (kv %2)</source>
        <translation>第 %1 个头（kv %2）</translation>
    </message>
    <message>
        <source>encoder</source>
        <translation>编码器</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>解码器</translation>
    </message>
    <message>
        <source>cross-attention</source>
        <translation>交叉注意力</translation>
    </message>
    <message>
        <source>Encoder-decoder models: the self-attention stack the views show, or the cross-attention view</source>
        <translation>编码器-解码器模型：各视图显示的自注意力堆栈，或交叉注意力视图</translation>
    </message>
    <message>
        <source>S&amp;tack</source>
        <translation>堆栈(&amp;T)</translation>
    </message>
    <message>
        <source>Rollout / flow: the first layer propagated through (0 = all layers, as Abnar &amp; Zuidema; a later start ignores the mixing of the first layers)</source>
        <translation>注意力汇聚 / 注意力流：从哪一层开始传播（0 = 所有层，同 Abnar &amp; Zuidema；从较后的层开始会忽略前几层的混合）</translation>
    </message>
    <message>
        <source>Rollout: before propagating, drop this fraction of each layer&apos;s lowest fused weights, never the CLS column (vit-explain&apos;s discard_ratio; 0.9 is its usual setting)</source>
        <translation>注意力汇聚：传播前丢弃每层融合权重中最低的这一比例，CLS 列除外（vit-explain 的 discard_ratio；常用 0.9）</translation>
    </message>
    <message>
        <source>f&amp;rom layer</source>
        <translation>起始层(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;discard</source>
        <translation>丢弃(&amp;D)</translation>
    </message>
    <message>
        <source>%1 fuses the heads of every layer: mean (as the paper), max, min or a subset</source>
        <translation>%1 会融合每一层的各个头：平均（同论文）、最大、最小或子集</translation>
    </message>
    <message>
        <source>row</source>
        <translation>按行</translation>
    </message>
    <message>
        <source>Colour scale. row: each query&apos;s own weights; a matrix shows them as they are (0 to 1), the Image view and the image Overview scale each map to its max. matrix max / global max: one scale for the matrix / for every head. log: four decades below the max. clip 2% outliers (Captum): the top 2% of the mass saturates, which changes nothing when one weight holds more; clip top 2% of values: the largest 2% of the weights saturate.</source>
        <translation>颜色刻度。按行：每个查询自己的权重；矩阵按原值显示（0 到 1），图像视图和图像概览把每张图缩放到其最大值。矩阵最大值 / 全局最大值：整个矩阵 / 所有头共用一个刻度。对数：最大值以下四个数量级。裁掉 2% 离群值（Captum）：质量最高的 2% 饱和显示，当单个权重占比超过 2% 时不起作用；裁掉最大的 2% 数值：最大的 2% 权重饱和显示。</translation>
    </message>
    <message>
        <source>clip top 2% of values</source>
        <translation>裁掉最大的 2% 数值</translation>
    </message>
    <message>
        <source>mean of H%1</source>
        <translation>H%1 的平均</translation>
    </message>
    <message>
        <source>all pairs</source>
        <translation>全部组合</translation>
    </message>
    <message>
        <source>Sentence pairs: show only queries of one segment attending to keys of one segment; the rest is greyed</source>
        <translation>句子对：只显示一个片段的查询关注一个片段的键；其余显示为灰色</translation>
    </message>
    <message>
        <source>Se&amp;gments</source>
        <translation>片段(&amp;G)</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>words (mean)</source>
        <translation>词（均值）</translation>
    </message>
    <message>
        <source>words (max)</source>
        <translation>词（最大值）</translation>
    </message>
    <message>
        <source>Merge sub-word pieces into words in the Matrix, Lines, Text and Overview views. mean: a word&apos;s row is the mean of its pieces&apos; rows and its column the sum of their columns (Clark et al. 2019), so rows still sum to 1. max: the largest weight over the pieces, both ways.</source>
        <translation>在矩阵、连线、文本和总览视图中把子词片段合并成词。均值：一个词的行是其各片段行的平均，列是其各片段列之和（Clark 等，2019），因此每行之和仍为 1。最大值：两个方向都取各片段中的最大权重。</translation>
    </message>
    <message>
        <source>&amp;Units</source>
        <translation>单位(&amp;U)</translation>
    </message>
    <message>
        <source>value norms</source>
        <translation>值加权范数</translation>
    </message>
    <message>
        <source>Exclude first token</source>
        <translation>排除首个词元</translation>
    </message>
    <message>
        <source>Treat the first token as an attention sink (StreamingLLM): drop it and renormalise each row over the rest, so the structure under it shows; the Matrix view draws the share it took from each row in a bar beside the cells</source>
        <translation>把首个词元视为注意力汇点（StreamingLLM）：将其移除并在其余词元上重新归一化每一行，使其下的结构显现；矩阵视图在单元格旁用细条画出它从每行取走的份额</translation>
    </message>
    <message>
        <source>value-norm rollout</source>
        <translation>值加权范数的注意力汇聚</translation>
    </message>
    <message>
        <source>contributions (ALTI)</source>
        <translation>贡献度（ALTI）</translation>
    </message>
    <message>
        <source>ALTI, aggregated</source>
        <translation>ALTI（逐层聚合）</translation>
    </message>
    <message>
        <source>raw: the layer&apos;s attention; rollout / flow: attention propagated through all layers (Abnar &amp; Zuidema 2020); value norms: ‖α f(x)‖, the attention weight times the length of what the attended token writes through the head (Kobayashi et al. 2020); fused, the norm of what all heads write together; value-norm rollout: the rollout of the layers&apos; norm maps; contributions: each token&apos;s share in the layer&apos;s output, residual and layer norm included (ALTI, Ferrando et al. 2022); ALTI, aggregated: the input tokens&apos; shares after the chosen layer</source>
        <translation>原始：该层的注意力；注意力汇聚 / 注意力流：在所有层之间传播的注意力（Abnar &amp; Zuidema 2020）；值加权范数：‖α f(x)‖，即注意力权重乘以被关注词元经该头写入的向量长度（Kobayashi 等，2020）；融合时为所有头共同写入之和的范数；值加权范数的注意力汇聚：对各层范数图做注意力汇聚；贡献度：每个词元在该层输出中所占的份额，计入残差和层归一化（ALTI，Ferrando 等，2022）；ALTI（逐层聚合）：所选层之后各输入词元的份额</translation>
    </message>
</context>
<context>
    <name>CostView</name>
    <message>
        <source>Measure at increasing lengths</source>
        <translation>按递增长度实测</translation>
    </message>
    <message>
        <source>Ctrl+M</source>
        <translation>Ctrl+M</translation>
    </message>
    <message>
        <source>Runs the model on generated inputs of 8, 16, 32, … tokens (3 runs each, median); Esc cancels (Ctrl+M)</source>
        <translation>在 8、16、32 … 个词元的生成输入上运行模型（每个长度 3 次，取中位数）；Esc 取消（Ctrl+M）</translation>
    </message>
    <message>
        <source>up to </source>
        <translation>最多 </translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <source>Open a model to see what its attention costs.</source>
        <translation>打开一个模型，查看其注意力的计算开销。</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <source>Compute per forward pass</source>
        <translation>每次前向传播的计算量</translation>
    </message>
    <message>
        <source>sequence length n (tokens)</source>
        <translation>序列长度 n（词元）</translation>
    </message>
    <message>
        <source>FLOPs</source>
        <translation>FLOPs</translation>
    </message>
    <message>
        <source>total</source>
        <translation>总计</translation>
    </message>
    <message>
        <source>linear part (projections, MLP)</source>
        <translation>线性部分（投影、MLP）</translation>
    </message>
    <message>
        <source>n² part (scores, softmax, weighted sum)</source>
        <translation>n² 部分（分数、softmax、加权求和）</translation>
    </message>
    <message>
        <source>measured seconds</source>
        <translation>实测秒数</translation>
    </message>
    <message>
        <source>measured time (right axis)</source>
        <translation>实测时间（右轴）</translation>
    </message>
    <message>
        <source>n² = linear at n = %1</source>
        <translation>n² 部分 = 线性部分，于 n = %1</translation>
    </message>
    <message>
        <source>this input, n = %1</source>
        <translation>当前输入，n = %1</translation>
    </message>
    <message>
        <source>Memory held (all layers&apos; attention captured)</source>
        <translation>占用内存（捕获所有层的注意力）</translation>
    </message>
    <message>
        <source>bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <source>weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>activations</source>
        <translation>激活值</translation>
    </message>
    <message>
        <source>attention maps (4 L H n²)</source>
        <translation>注意力图（4 L H n²）</translation>
    </message>
    <message>
        <source>this input</source>
        <translation>当前输入</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2 layers × %3 heads, d&lt;sub&gt;k&lt;/sub&gt; = %4, hidden %5. Per layer the linear part costs about %6·n FLOPs and the attention part %7·n²; the n² part overtakes at &lt;b&gt;n ≈ %8&lt;/b&gt; tokens.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;：%2 层 × %3 个头，d&lt;sub&gt;k&lt;/sub&gt; = %4，隐藏维度 %5。每层线性部分约 %6·n FLOPs，注意力部分约 %7·n²；n² 部分在 &lt;b&gt;n ≈ %8&lt;/b&gt; 个词元处超过线性部分。</translation>
    </message>
    <message>
        <source> This input (n = %1): %2FLOPs, of which %3% in the n² part; memory %4B</source>
        <translation> 当前输入（n = %1）：%2FLOPs，其中 %3% 在 n² 部分；内存 %4B</translation>
    </message>
    <message>
        <source>; measured %1 ms.</source>
        <translation>；实测 %1 毫秒。</translation>
    </message>
    <message>
        <source> That is a global layer: %1 of the %2 layers slide with a window of %3 keys, so past n = %3 their attention grows as %3·n, not n².</source>
        <translation>以上是全局层的数字：%2 层中有 %1 层使用 %3 个键的滑动窗口，n 超过 %3 之后，它们的注意力开销按 %3·n 增长，而不是 n²。</translation>
    </message>
    <message>
        <source>%1 · cost</source>
        <translation>%1 · 计算开销</translation>
    </message>
    <message>
        <source> (run an input)</source>
        <translation>（请先运行一个输入）</translation>
    </message>
    <message>
        <source>Last run: time per layer, by part (one run, not a median: the first layers may include warm-up)</source>
        <translation>上次运行：每层各部分用时（单次运行，不是中位数：前几层可能包含预热）</translation>
    </message>
</context>
<context>
    <name>CrossView</name>
    <message>
        <source>Matrix</source>
        <translation>矩阵</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>连线</translation>
    </message>
    <message>
        <source>Target × source matrix, or lines from each target token to the source tokens</source>
        <translation>目标 × 源矩阵，或从每个目标词元连到源词元的连线</translation>
    </message>
    <message>
        <source>Hard alignment</source>
        <translation>硬对齐</translation>
    </message>
    <message>
        <source>Mark the source token with the largest weight in every target row (the argmax path)</source>
        <translation>标出每个目标行中权重最大的源词元（argmax 路径）</translation>
    </message>
    <message>
        <source>Click a target (row) or a source (column) token; click it again to clear.</source>
        <translation>点击目标（行）或源（列）词元；再次点击取消选择。</translation>
    </message>
    <message>
        <source>target %1 “%2” → source %3 “%4”: %5
row max %6 at “%7”%8</source>
        <translation>目标 %1“%2”→ 源 %3“%4”：%5
该行最大值 %6，位于“%7”%8</translation>
    </message>
    <message>
        <source> (the hard alignment)</source>
        <translation>（硬对齐）</translation>
    </message>
    <message>
        <source>target %1 “%2”: attends most to “%3” (%4)</source>
        <translation>目标 %1“%2”：最关注“%3”（%4）</translation>
    </message>
    <message>
        <source>source %1 “%2”: receives %3 in all (sum over the %4 targets)</source>
        <translation>源 %1“%2”：共获得 %3（对 %4 个目标求和）</translation>
    </message>
</context>
<context>
    <name>DerivedResults</name>
    <message numerus="yes">
        <source>Computing value norms on %n token(s)… (Esc cancels)</source>
        <translation>
            <numerusform>正在对 %n 个词元计算值加权范数…（Esc 取消）</numerusform>
        </translation>
    </message>
    <message>
        <source>Value norms cancelled; choose the method again to restart them</source>
        <translation>值加权范数已取消；再次选择该方法即可重新计算</translation>
    </message>
    <message>
        <source>No value norms: %1</source>
        <translation>无值加权范数：%1</translation>
    </message>
    <message numerus="yes">
        <source>Computing token contributions (ALTI) on %n token(s)… (Esc cancels)</source>
        <translation>
            <numerusform>正在对 %n 个词元计算词元贡献度（ALTI）…（Esc 取消）</numerusform>
        </translation>
    </message>
    <message>
        <source>Contributions cancelled; choose the method again to restart them</source>
        <translation>贡献度计算已取消；再次选择该方法即可重新计算</translation>
    </message>
    <message>
        <source>No contributions: %1</source>
        <translation>无贡献度：%1</translation>
    </message>
    <message>
        <source>Head ablation cancelled; run again to restart it</source>
        <translation>注意力头消融已取消；重新运行即可再次计算</translation>
    </message>
    <message>
        <source>No head ablation: %1</source>
        <translation>无注意力头消融：%1</translation>
    </message>
    <message>
        <source>Logit lens cancelled; open the view again to restart it</source>
        <translation>Logit 透镜已取消；再次打开该视图即可重新计算</translation>
    </message>
    <message>
        <source>No logit lens: %1</source>
        <translation>无 Logit 透镜：%1</translation>
    </message>
    <message numerus="yes">
        <source>Ablating each head: %n run(s) of the input… (Esc cancels)</source>
        <translation>
            <numerusform>正在逐个消融注意力头：对输入运行 %n 次…（Esc 取消）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reading every layer through the model&apos;s head: %n layer(s)… (Esc cancels)</source>
        <translation>
            <numerusform>正在让每一层经过模型的输出头：共 %n 层…（Esc 取消）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DownloadDialog</name>
    <message>
        <source>Download a model from the Hugging Face Hub</source>
        <translation>从 Hugging Face Hub 下载模型</translation>
    </message>
    <message>
        <source>Repository:</source>
        <translation>仓库：</translation>
    </message>
    <message>
        <source>org/name or org/name@revision</source>
        <translation>org/name 或 org/name@revision</translation>
    </message>
    <message>
        <source>A model repo id as on huggingface.co, e.g. openai-community/gpt2; @revision picks a branch, tag or commit</source>
        <translation>huggingface.co 上的模型仓库 id，例如 openai-community/gpt2；@revision 指定分支、标签或提交</translation>
    </message>
    <message>
        <source>&amp;List files</source>
        <translation>列出文件(&amp;L)</translation>
    </message>
    <message>
        <source>Ask the Hub which files this revision has (Enter)</source>
        <translation>向 Hub 查询此版本包含哪些文件（Enter）</translation>
    </message>
    <message>
        <source>Known to work (click to choose):</source>
        <translation>已验证可用（点击选择）：</translation>
    </message>
    <message>
        <source>Repository</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Weights come only as safetensors; configs, tokenizer files and README.md come with them. Pickle and code files (.bin, .pt, .ckpt, .h5, .py, …) are never downloaded.</source>
        <translation>权重只下载 safetensors 格式，并附带配置、分词器文件和 README.md。pickle 与代码文件（.bin、.pt、.ckpt、.h5、.py 等）从不下载。</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Total:</source>
        <translation>总计：</translation>
    </message>
    <message>
        <source>&amp;Download</source>
        <translation>下载(&amp;D)</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>Stop now; the parts downloaded so far are kept and a later download resumes them (Esc)</source>
        <translation>立即停止；已下载的部分会保留，之后再次下载时继续（Esc）</translation>
    </message>
    <message>
        <source>Cancelled. The parts downloaded so far are kept; Download resumes them.</source>
        <translation>已取消。已下载的部分已保留；点击“下载”可继续。</translation>
    </message>
    <message>
        <source>Asking the Hub for the files of %1…</source>
        <translation>正在向 Hub 查询 %1 的文件…</translation>
    </message>
    <message>
        <source>in the cache</source>
        <translation>已在缓存中</translation>
    </message>
    <message>
        <source>to download</source>
        <translation>待下载</translation>
    </message>
    <message>
        <source>not downloaded</source>
        <translation>不下载</translation>
    </message>
    <message>
        <source>%1 at commit %2: %3 files, %4 — %5 to download into %6</source>
        <translation>%1，提交 %2：%3 个文件，共 %4 — 需下载 %5，保存到 %6</translation>
    </message>
    <message>
        <source>File %1 of %2:</source>
        <translation>文件 %1/%2：</translation>
    </message>
    <message>
        <source>%1/s, about %2 left</source>
        <translation>%1/秒，约剩 %2</translation>
    </message>
    <message>
        <source>Checking %1&apos;s hash…</source>
        <translation>正在校验 %1 的哈希…</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <source>Gated or private repository.</source>
        <translation>受限或私有仓库。</translation>
    </message>
    <message>
        <source>Not found.</source>
        <translation>未找到。</translation>
    </message>
    <message>
        <source>Offline.</source>
        <translation>离线。</translation>
    </message>
    <message>
        <source>Not enough disk space.</source>
        <translation>磁盘空间不足。</translation>
    </message>
    <message>
        <source>A file did not match its hash; nothing was kept.</source>
        <translation>有文件与其哈希不符；未保留任何内容。</translation>
    </message>
    <message>
        <source>Only pickle weights.</source>
        <translation>只有 pickle 权重。</translation>
    </message>
</context>
<context>
    <name>ExportController</name>
    <message>
        <source>Nothing to export yet: run an input first.</source>
        <translation>还没有可导出的内容：请先运行一个输入。</translation>
    </message>
</context>
<context>
    <name>ExportFigureDialog</name>
    <message>
        <source>Export %1 view</source>
        <translation>导出“%1”视图</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>File (.png, .svg, .pdf):</source>
        <translation>文件（.png、.svg、.pdf）：</translation>
    </message>
    <message>
        <source> in</source>
        <translation> 英寸</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>尺寸：</translation>
    </message>
    <message>
        <source> dpi</source>
        <translation> dpi</translation>
    </message>
    <message>
        <source>PNG resolution:</source>
        <translation>PNG 分辨率：</translation>
    </message>
    <message>
        <source>Title naming model, layer, head, method and scale</source>
        <translation>标题注明模型、层、头、方法和刻度</translation>
    </message>
    <message>
        <source>Provenance file NAME.attnscope.json (reopen it to restore this view)</source>
        <translation>溯源文件 NAME.attnscope.json（重新打开即可恢复此视图）</translation>
    </message>
    <message>
        <source>Export view</source>
        <translation>导出视图</translation>
    </message>
    <message>
        <source>PNG (*.png);;SVG (*.svg);;PDF (*.pdf)</source>
        <translation>PNG (*.png);;SVG (*.svg);;PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Use a .png, .svg or .pdf file name.</source>
        <translation>请使用 .png、.svg 或 .pdf 文件名。</translation>
    </message>
    <message>
        <source>%1 × %2 pixels.</source>
        <translation>%1 × %2 像素。</translation>
    </message>
    <message>
        <source>Vector axes and real text; the attention cells are an embedded image.</source>
        <translation>坐标轴为矢量、文字为真实文本；注意力单元格为嵌入的图像。</translation>
    </message>
    <message>
        <source>Fit the content (%1)</source>
        <translation>适应内容（%1）</translation>
    </message>
    <message>
        <source>Single column (%1)</source>
        <translation>单栏（%1）</translation>
    </message>
    <message>
        <source>Double column (%1)</source>
        <translation>双栏（%1）</translation>
    </message>
    <message>
        <source>Slide 16:9 (%1)</source>
        <translation>幻灯片 16:9（%1）</translation>
    </message>
    <message>
        <source>As in the window (%1)</source>
        <translation>与窗口相同（%1）</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>Column widths of two-column papers (3.3 and 6.9 in) keep the figure&apos;s proportions; text stays at its size, so smaller figures hold fewer labels</source>
        <translation>双栏论文的栏宽（3.3 和 6.9 英寸）保持图的比例；文字保持原大小，因此较小的图显示的标签较少</translation>
    </message>
    <message>
        <source>Page:</source>
        <translation>页面：</translation>
    </message>
</context>
<context>
    <name>Figures</name>
    <message>
        <source>all heads</source>
        <translation>所有注意力头</translation>
    </message>
    <message>
        <source>cost</source>
        <translation>计算开销</translation>
    </message>
    <message>
        <source>predictions</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>sliding window %1</source>
        <translation>滑动窗口 %1</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>解码器</translation>
    </message>
    <message>
        <source>encoder</source>
        <translation>编码器</translation>
    </message>
    <message>
        <source>rollout after each layer</source>
        <translation>逐层注意力汇聚</translation>
    </message>
    <message>
        <source>value norms of all heads</source>
        <translation>所有头的值加权范数</translation>
    </message>
    <message>
        <source>first token excluded</source>
        <translation>已排除首个词元</translation>
    </message>
    <message>
        <source>logit lens</source>
        <translation>Logit 透镜</translation>
    </message>
</context>
<context>
    <name>GenerationView</name>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>The text to continue (Enter generates)</source>
        <translation>要续写的文本（按 Enter 生成）</translation>
    </message>
    <message>
        <source>new tokens: </source>
        <translation>新词元数：</translation>
    </message>
    <message>
        <source>Tokens to generate at most; generation stops earlier at an end-of-sequence token</source>
        <translation>最多生成的词元数；遇到序列结束词元时提前停止</translation>
    </message>
    <message>
        <source>greedy</source>
        <translation>贪心</translation>
    </message>
    <message>
        <source>T </source>
        <translation>T </translation>
    </message>
    <message>
        <source>Temperature: 0 takes the most probable token (greedy); above 0 samples from softmax(logits / T)</source>
        <translation>温度：0 取概率最高的词元（贪心）；大于 0 时从 softmax(logits / T) 中采样</translation>
    </message>
    <message>
        <source>top-k off</source>
        <translation>top-k 关闭</translation>
    </message>
    <message>
        <source>top-k </source>
        <translation>top-k </translation>
    </message>
    <message>
        <source>Sample among the k most probable tokens only (sampling only)</source>
        <translation>只在概率最高的 k 个词元中采样（仅采样时）</translation>
    </message>
    <message>
        <source>top-p </source>
        <translation>top-p </translation>
    </message>
    <message>
        <source>Sample among the most probable tokens whose probability reaches p (sampling only)</source>
        <translation>只在累计概率达到 p 的最可能词元中采样（仅采样时）</translation>
    </message>
    <message>
        <source>seed </source>
        <translation>种子 </translation>
    </message>
    <message>
        <source>The same seed draws the same tokens</source>
        <translation>相同的种子抽出相同的词元</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Generate with a KV cache, one token&apos;s work per step (Ctrl+G); Esc stops and keeps the tokens so far</source>
        <translation>使用 KV 缓存生成，每步只算一个词元（Ctrl+G）；Esc 停止并保留已生成的词元</translation>
    </message>
    <message>
        <source>Step through the generated tokens (Left / Right, Home / End)</source>
        <translation>逐步查看生成的词元（← / →，Home / End）</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Open a causal language model to generate.</source>
        <translation>打开一个因果语言模型来生成。</translation>
    </message>
    <message>
        <source>%1 is not a causal language model: generation needs GPT-2 or a Llama-family model.</source>
        <translation>%1 不是因果语言模型：生成需要 GPT-2 或 Llama 系列模型。</translation>
    </message>
    <message>
        <source>Type a prompt and press Generate</source>
        <translation>输入提示词并点击“生成”</translation>
    </message>
    <message>
        <source>%1/%2: “%3”, p = %4%</source>
        <translation>%1/%2：“%3”，p = %4%</translation>
    </message>
    <message>
        <source>“%1” (token %2%3): weight %4</source>
        <translation>“%1”（词元 %2%3）：权重 %4</translation>
    </message>
    <message>
        <source>, prompt</source>
        <translation>，提示词</translation>
    </message>
    <message>
        <source>“%1” (token %2): the token this step chose</source>
        <translation>“%1”（词元 %2）：本步选出的词元</translation>
    </message>
    <message>
        <source>“%1”: probability %2</source>
        <translation>“%1”：概率 %2</translation>
    </message>
</context>
<context>
    <name>HeadsView</name>
    <message>
        <source>Statistic:</source>
        <translation>统计量：</translation>
    </message>
    <message>
        <source>Induction scores need extra runs on a repeated random sequence; computing…</source>
        <translation>归纳分数需要在重复的随机序列上额外运行；正在计算…</translation>
    </message>
    <message>
        <source>The current input, or a corpus opened with File &gt; Open corpus statistics (results of attnscope-cli batch)</source>
        <translation>当前输入，或通过“文件 &gt; 语料统计”打开的语料（attnscope-cli batch 的结果）</translation>
    </message>
    <message>
        <source>What the colour shows of each head&apos;s statistic over the corpus&apos; inputs; the tooltip gives all of them</source>
        <translation>颜色表示每个注意力头的统计量在语料各输入上的哪一项；悬停提示给出全部数值</translation>
    </message>
    <message>
        <source>value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Double-click an input to run it in the other views</source>
        <translation>双击一个输入，在其他视图中运行它</translation>
    </message>
    <message>
        <source>L%1 H%2 · %3</source>
        <translation>L%1 H%2 · %3</translation>
    </message>
    <message>
        <source>mean %1 ± %2 (std) over %3 inputs
median %4 · 5–95%: %5 – %6
min %7 · max %8</source>
        <translation>均值 %1 ± %2（标准差），共 %3 个输入
中位数 %4 · 5–95%：%5 – %6
最小 %7 · 最大 %8</translation>
    </message>
    <message>
        <source>this input</source>
        <translation>当前输入</translation>
    </message>
    <message numerus="yes">
        <source>corpus: %n input(s)</source>
        <translation>
            <numerusform>语料：%n 个输入</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n input(s), %1 tokens; hover a head for its spread</source>
        <translation>
            <numerusform>%n 个输入，%1 个词元；悬停在注意力头上查看其分布</numerusform>
        </translation>
    </message>
    <message>
        <source>Corpus: %1</source>
        <translation>语料：%1</translation>
    </message>
    <message>
        <source>Click a head to list the inputs where it is most extreme.</source>
        <translation>点击一个注意力头，列出它最极端的输入。</translation>
    </message>
    <message>
        <source>L%1 H%2 · %3: the inputs at both ends</source>
        <translation>L%1 H%2 · %3：两端的输入</translation>
    </message>
    <message>
        <source>highest</source>
        <translation>最高</translation>
    </message>
    <message>
        <source>lowest</source>
        <translation>最低</translation>
    </message>
    <message>
        <source>Auto range</source>
        <translation>自动范围</translation>
    </message>
    <message>
        <source>Colours from the lowest to the highest head shown, instead of the statistic&apos;s own range (0 to 1 for the mass-type scores), which keeps weak scores dark</source>
        <translation>颜色从所示最低的头到最高的头，而不是统计量自身的范围（质量类分数为 0 到 1，弱分数因此保持暗色）</translation>
    </message>
    <message>
        <source>not computed</source>
        <translation>尚未计算</translation>
    </message>
</context>
<context>
    <name>ImageView</name>
    <message>
        <source>Smooth</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>Bicubic upsampling of the patch grid; off: one flat cell per patch</source>
        <translation>对图像块网格做双三次上采样；关闭：每个图像块一个平坦单元</translation>
    </message>
    <message>
        <source>Mass contour</source>
        <translation>质量轮廓</translation>
    </message>
    <message>
        <source>Outline the smallest set of patches holding this fraction of the map&apos;s mass (DINO)</source>
        <translation>勾勒出占该图此比例质量的最少图像块（DINO）</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <source>Registers</source>
        <translation>寄存器词元</translation>
    </message>
    <message>
        <source>DINOv2 with registers: show the registers&apos; weights beside the photo, on one scale with the patches</source>
        <translation>带寄存器的 DINOv2：在照片旁显示各寄存器词元的权重，与图像块使用同一刻度</translation>
    </message>
    <message>
        <source>Click a patch to make it the query; right-click to exclude it; wheel zooms, drag pans, double click fits</source>
        <translation>点击图像块使其成为查询；右键将其排除；滚轮缩放，拖动平移，双击复原</translation>
    </message>
    <message>
        <source>patch (%1, %2) · token %3
%4: %5 (%6× the mean patch)</source>
        <translation>图像块 (%1, %2) · 词元 %3
%4：%5（图像块平均值的 %6 倍）</translation>
    </message>
    <message>
        <source>The query row drawn over the photo: a prefix token, or click a patch</source>
        <translation>叠加在图片上的查询行：选择一个前缀词元，或点击一个图像块</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>patch %1</source>
        <translation>图像块 %1</translation>
    </message>
    <message>
        <source>Include patch %1 again</source>
        <translation>重新纳入图像块 %1</translation>
    </message>
    <message>
        <source>Exclude patch %1 and renormalise the rest</source>
        <translation>排除图像块 %1 并对其余部分重新归一化</translation>
    </message>
    <message>
        <source>Include all patches again</source>
        <translation>重新纳入所有图像块</translation>
    </message>
</context>
<context>
    <name>InferenceWorker</name>
    <message>
        <source>Out of memory while opening %1</source>
        <translation>打开 %1 时内存不足</translation>
    </message>
    <message>
        <source>Unexpected error: %1</source>
        <translation>意外错误：%1</translation>
    </message>
    <message>
        <source>Out of memory: the input is too large for this machine. Capture fewer layers or shorten the input.</source>
        <translation>内存不足：输入对这台机器来说太大。请少捕获几层或缩短输入。</translation>
    </message>
    <message>
        <source>Out of memory while capturing Q, K and V</source>
        <translation>捕获 Q、K、V 时内存不足</translation>
    </message>
</context>
<context>
    <name>InputPanel</name>
    <message>
        <source>Drop an image here,
or open or paste one.</source>
        <translation>把图片拖到这里，
或打开、粘贴一张。</translation>
    </message>
    <message>
        <source>Type or paste a text, or open a sample (File ▸ Samples)…</source>
        <translation>输入或粘贴文本，或打开示例（文件 ▸ 示例）…</translation>
    </message>
    <message>
        <source>Second segment (optional):</source>
        <translation>第二段（可选）：</translation>
    </message>
    <message>
        <source>sentence B of a pair</source>
        <translation>句对中的句子 B</translation>
    </message>
    <message>
        <source>Open text file…</source>
        <translation>打开文本文件…</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Run the model on this text (Ctrl+R)</source>
        <translation>用模型处理这段文本（Ctrl+R）</translation>
    </message>
    <message>
        <source>Open image…</source>
        <translation>打开图片…</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Run the model on this image (Ctrl+R)</source>
        <translation>用模型处理这张图片（Ctrl+R）</translation>
    </message>
    <message>
        <source>Cannot use this input: %1</source>
        <translation>无法使用此输入：%1</translation>
    </message>
    <message>
        <source>Cannot use this input: not enough memory to read %1</source>
        <translation>无法使用此输入：内存不足，无法读取 %1</translation>
    </message>
    <message>
        <source>Showing the start of %1 (%2 MB). Running uses the whole file; the model reads as many tokens as it can take and says so. Editing replaces it with what is shown.</source>
        <translation>显示的是 %1 的开头（%2 MB）。运行时使用整个文件；模型读入它能接受的最多词元，并会提示。编辑会用所显示的内容替换它。</translation>
    </message>
    <message>
        <source>%1 is not an image Attnscope can read (%2)</source>
        <translation>%1 不是 Attnscope 能读取的图片（%2）</translation>
    </message>
    <message>
        <source>The clipboard holds no image.</source>
        <translation>剪贴板中没有图片。</translation>
    </message>
    <message>
        <source>Cannot save the pasted image to %1</source>
        <translation>无法把粘贴的图片保存到 %1</translation>
    </message>
    <message>
        <source>Open a text file</source>
        <translation>打开文本文件</translation>
    </message>
    <message>
        <source>Text (*.txt *.md);;All files (*)</source>
        <translation>文本 (*.txt *.md);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open an image</source>
        <translation>打开图片</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp);;All files (*)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp);;所有文件 (*)</translation>
    </message>
    <message>
        <source>target text, e.g. the translation</source>
        <translation>目标文本，例如译文</translation>
    </message>
    <message>
        <source>Teacher forcing: the decoder reads this target shifted right, so every position&apos;s attention is the model&apos;s while producing it</source>
        <translation>教师强制：解码器读入右移一位的目标文本，因此每个位置的注意力就是模型生成该词元时的注意力</translation>
    </message>
    <message>
        <source>With no target: decode greedily up to this many tokens (stops after &lt;/s&gt;)</source>
        <translation>没有目标文本时：贪心解码最多这么多个词元（遇到 &lt;/s&gt; 后停止）</translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>目标(&amp;T)：</translation>
    </message>
    <message>
        <source>or &amp;generate up to</source>
        <translation>或生成(&amp;G)最多</translation>
    </message>
    <message>
        <source>model&apos;s preprocessing</source>
        <translation>模型自带的预处理</translation>
    </message>
    <message>
        <source>Resize the photo straight to this size (no crop) for finer, DINO-style maps: a side such as 480, or width×height such as 640×480. More patches cost more time and memory.</source>
        <translation>把图片直接缩放到此尺寸（不裁剪），得到更精细的 DINO 式注意力图：可填边长如 480，或宽×高如 640×480。图像块越多，耗时和内存越多。</translation>
    </message>
    <message>
        <source>Input size</source>
        <translation>输入尺寸</translation>
    </message>
    <message>
        <source>input size</source>
        <translation>输入尺寸</translation>
    </message>
    <message>
        <source>The model&apos;s preprocessing; open an image to see its patch grid.</source>
        <translation>使用模型自带的预处理；打开图片后可查看其图像块网格。</translation>
    </message>
    <message>
        <source>Model input %1×%2 · %3×%4 patches · %5 tokens · about %6 for the run</source>
        <translation>模型输入 %1×%2 · %3×%4 个图像块 · %5 个词元 · 运行约需 %6</translation>
    </message>
    <message>
        <source>This squashes the photo&apos;s aspect ratio by %1×; the model sees a distorted image.</source>
        <translation>这会把图片的宽高比压缩 %1 倍；模型看到的是变形的图像。</translation>
    </message>
    <message>
        <source>Not run yet: the views show %1. Run (Ctrl+R) to see this image.</source>
        <translation>尚未运行：各视图显示的是 %1 的结果。运行（Ctrl+R）以查看此图片。</translation>
    </message>
</context>
<context>
    <name>InsideHeadView</name>
    <message>
        <source>Query token:</source>
        <translation>查询词元：</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>温度：</translation>
    </message>
    <message>
        <source>T &lt; 1 sharpens the distributions, T &gt; 1 flattens them; T = 1 is the model</source>
        <translation>T &lt; 1 使分布更尖锐，T &gt; 1 使其更平坦；T = 1 即模型本身</translation>
    </message>
    <message>
        <source>T = 1</source>
        <translation>T = 1</translation>
    </message>
    <message>
        <source>Run an input to look inside a head.</source>
        <translation>运行一个输入，查看注意力头的内部。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Capturing Q, K and V of layer %1&lt;/b&gt; by running the input again…</source>
        <translation>正在重新运行输入，&lt;b&gt;捕获第 %1 层的 Q、K、V&lt;/b&gt;…</translation>
    </message>
    <message>
        <source> (one head at a time: the selection is a fusion of heads, head %1 is shown)</source>
        <translation>（一次只看一个头：当前选择是多个头的融合，显示的是第 %1 个头）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Layer %1, head %2&lt;/b&gt;%3 reads key/value head %4 · query %5 (token %6) · d&lt;sub&gt;k&lt;/sub&gt; = %7 · %8 keys%9</source>
        <translation>&lt;b&gt;第 %1 层，第 %2 个头&lt;/b&gt;%3 读取键/值头 %4 · 查询 %5（词元 %6）· d&lt;sub&gt;k&lt;/sub&gt; = %7 · %8 个键%9</translation>
    </message>
    <message>
        <source> (causal: keys after the query are masked)</source>
        <translation>（因果：查询之后的键被屏蔽）</translation>
    </message>
    <message>
        <source>component of the %1-dimensional head space</source>
        <translation>%1 维注意力头空间的分量</translation>
    </message>
    <message>
        <source>&lt;b&gt;1. Query and keys&lt;/b&gt;&lt;br&gt;q&lt;sub&gt;i&lt;/sub&gt; = W&lt;sub&gt;Q&lt;/sub&gt; x&lt;sub&gt;i&lt;/sub&gt;%1 (top row), k&lt;sub&gt;j&lt;/sub&gt; = W&lt;sub&gt;K&lt;/sub&gt; x&lt;sub&gt;j&lt;/sub&gt; (one row per token).&lt;br&gt;‖q‖ = %2; each head sees its own %3 of the %4 dimensions.</source>
        <translation>&lt;b&gt;1. 查询与键&lt;/b&gt;&lt;br&gt;q&lt;sub&gt;i&lt;/sub&gt; = W&lt;sub&gt;Q&lt;/sub&gt; x&lt;sub&gt;i&lt;/sub&gt;%1（顶行），k&lt;sub&gt;j&lt;/sub&gt; = W&lt;sub&gt;K&lt;/sub&gt; x&lt;sub&gt;j&lt;/sub&gt;（每个词元一行）。&lt;br&gt;‖q‖ = %2；每个注意力头只看到 %4 维中属于自己的 %3 维。</translation>
    </message>
    <message>
        <source>, after the rotary position embedding</source>
        <translation>，经过旋转位置编码之后</translation>
    </message>
    <message>
        <source>q·k (raw)</source>
        <translation>q·k（原始）</translation>
    </message>
    <message>
        <source>scaled</source>
        <translation>缩放后</translation>
    </message>
    <message>
        <source>&lt;b&gt;2. Scores&lt;/b&gt;&lt;br&gt;s&lt;sub&gt;j&lt;/sub&gt; = q·k&lt;sub&gt;j&lt;/sub&gt;%1; largest at %2: %3&lt;br&gt;scaled: s&lt;sub&gt;j&lt;/sub&gt; / %4 → %5&lt;br&gt;&lt;i&gt;Why divide:&lt;/i&gt; q·k is a sum of %6 products, so it grows with d&lt;sub&gt;k&lt;/sub&gt;; unscaled, the softmax would saturate to one key (see “dot” below).</source>
        <translation>&lt;b&gt;2. 分数&lt;/b&gt;&lt;br&gt;s&lt;sub&gt;j&lt;/sub&gt; = q·k&lt;sub&gt;j&lt;/sub&gt;%1；最大值在 %2：%3&lt;br&gt;缩放：s&lt;sub&gt;j&lt;/sub&gt; / %4 → %5&lt;br&gt;&lt;i&gt;为什么要除：&lt;/i&gt;q·k 是 %6 个乘积之和，会随 d&lt;sub&gt;k&lt;/sub&gt; 增大；不缩放的话，softmax 会饱和到单个键上（见下方“点积”）。</translation>
    </message>
    <message>
        <source> (this model divides q first)</source>
        <translation>（此模型先对 q 做除法）</translation>
    </message>
    <message>
        <source>softmax(q·k/√d) — the model%1</source>
        <translation>softmax(q·k/√d) —— 模型本身%1</translation>
    </message>
    <message>
        <source> at T</source>
        <translation>（温度 T）</translation>
    </message>
    <message>
        <source>dot q·k (unscaled)</source>
        <translation>点积 q·k（未缩放）</translation>
    </message>
    <message>
        <source>cosine</source>
        <translation>余弦相似度</translation>
    </message>
    <message>
        <source>−‖q−k‖²</source>
        <translation>−‖q−k‖²</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>&lt;b&gt;3. Softmax&lt;/b&gt;&lt;br&gt;w&lt;sub&gt;j&lt;/sub&gt; = exp(s&lt;sub&gt;j&lt;/sub&gt;/T) / Σ&lt;sub&gt;l&lt;/sub&gt; exp(s&lt;sub&gt;l&lt;/sub&gt;/T), T = %1&lt;br&gt;w(%2) = %3 · entropy %4 nats (uniform over %5 keys: %6)&lt;br&gt;At T = 1 these are the Matrix view&apos;s row: max difference %7.&lt;br&gt;&lt;br&gt;&lt;b&gt;Other scoring functions&lt;/b&gt; on the same q and K:&lt;br&gt;%8</source>
        <translation>&lt;b&gt;3. Softmax&lt;/b&gt;&lt;br&gt;w&lt;sub&gt;j&lt;/sub&gt; = exp(s&lt;sub&gt;j&lt;/sub&gt;/T) / Σ&lt;sub&gt;l&lt;/sub&gt; exp(s&lt;sub&gt;l&lt;/sub&gt;/T)，T = %1&lt;br&gt;w(%2) = %3 · 熵 %4 奈特（在 %5 个键上均匀分布时：%6）&lt;br&gt;当 T = 1 时，这就是矩阵视图中的那一行：最大差异 %7。&lt;br&gt;&lt;br&gt;在同样的 q 和 K 上的&lt;b&gt;其他打分函数&lt;/b&gt;：&lt;br&gt;%8</translation>
    </message>
    <message>
        <source>component</source>
        <translation>分量</translation>
    </message>
    <message>
        <source>&lt;b&gt;4. Output&lt;/b&gt;&lt;br&gt;v&lt;sub&gt;j&lt;/sub&gt; = W&lt;sub&gt;V&lt;/sub&gt; x&lt;sub&gt;j&lt;/sub&gt; (rows), out = Σ&lt;sub&gt;j&lt;/sub&gt; w&lt;sub&gt;j&lt;/sub&gt; v&lt;sub&gt;j&lt;/sub&gt; = %1… (bottom row), ‖out‖ = %2.&lt;br&gt;At T = 1 this is the model&apos;s own context vector for this head (max difference %3); the output projection then mixes all %4 heads.</source>
        <translation>&lt;b&gt;4. 输出&lt;/b&gt;&lt;br&gt;v&lt;sub&gt;j&lt;/sub&gt; = W&lt;sub&gt;V&lt;/sub&gt; x&lt;sub&gt;j&lt;/sub&gt;（各行），out = Σ&lt;sub&gt;j&lt;/sub&gt; w&lt;sub&gt;j&lt;/sub&gt; v&lt;sub&gt;j&lt;/sub&gt; = %1…（底行），‖out‖ = %2。&lt;br&gt;当 T = 1 时，这就是模型在该注意力头上的上下文向量（最大差异 %3）；随后输出投影把全部 %4 个头混合起来。</translation>
    </message>
    <message>
        <source>%1: H = %2 nats&lt;br&gt;</source>
        <translation>%1：H = %2 奈特&lt;br&gt;</translation>
    </message>
    <message>
        <source> (causal, sliding window of %1 keys: only keys %2–%3 are seen)</source>
        <translation>（因果，%1 个键的滑动窗口：只看得到键 %2–%3）</translation>
    </message>
    <message>
        <source>, RMS-normalised per head, after the rotary position embedding</source>
        <translation>，逐头 RMS 归一化并经过旋转位置编码之后</translation>
    </message>
    <message>
        <source> (√query_pre_attn_scalar, not √d&lt;sub&gt;k&lt;/sub&gt;)</source>
        <translation>（√query_pre_attn_scalar，而不是 √d&lt;sub&gt;k&lt;/sub&gt;）</translation>
    </message>
    <message>
        <source>, then soft-capped: %1 · tanh(s / %1), so no score leaves ±%1</source>
        <translation>，再软截断：%1 · tanh(s / %1)，因此分数不会超出 ±%1</translation>
    </message>
    <message>
        <source>Inside the head explains the encoder&apos;s heads of an encoder-decoder model: choose the encoder stack.</source>
        <translation>对编码器-解码器模型，“注意力头内部”只解释编码器的注意力头：请选择编码器堆栈。</translation>
    </message>
    <message>
        <source>with bias</source>
        <translation>加偏置后</translation>
    </message>
    <message>
        <source>&lt;b&gt;2. Scores&lt;/b&gt;&lt;br&gt;s&lt;sub&gt;j&lt;/sub&gt; = q·k&lt;sub&gt;j&lt;/sub&gt; + b(j − i); largest at %1: q·k = %2, bias b = %3, s = %4&lt;br&gt;&lt;i&gt;No division by √d&lt;sub&gt;k&lt;/sub&gt;:&lt;/i&gt; T5 folds that factor into the initialisation of the query weights. b is a learned bias per head and relative-distance bucket (exact for near tokens, logarithmic for far ones), shared by every layer of the stack.</source>
        <translation>&lt;b&gt;2. 分数&lt;/b&gt;&lt;br&gt;s&lt;sub&gt;j&lt;/sub&gt; = q·k&lt;sub&gt;j&lt;/sub&gt; + b(j − i)；最大值在 %1：q·k = %2，偏置 b = %3，s = %4&lt;br&gt;&lt;i&gt;不除以 √d&lt;sub&gt;k&lt;/sub&gt;：&lt;/i&gt;T5 把这个因子并入了查询权重的初始化。b 是按注意力头和相对距离分桶学习的偏置（近处精确、远处按对数分桶），同一堆栈的每一层共用。</translation>
    </message>
    <message>
        <source>softmax(q·k + b) — the model%1</source>
        <translation>softmax(q·k + b) —— 模型%1</translation>
    </message>
    <message>
        <source>%1 · inside layer %2, head %3 · query %4 (token %5) · T = %6</source>
        <translation>%1 · 第 %2 层第 %3 个头的内部 · 查询 %4（词元 %5）· T = %6</translation>
    </message>
</context>
<context>
    <name>JobRunner</name>
    <message>
        <source>out of memory</source>
        <translation>内存不足</translation>
    </message>
</context>
<context>
    <name>LinesView</name>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Hide lines below</source>
        <translation>隐藏低于此权重的连线</translation>
    </message>
    <message>
        <source>Lines of a smaller attention weight are not drawn</source>
        <translation>注意力权重更小的连线不绘制</translation>
    </message>
    <message>
        <source>Strongest per query</source>
        <translation>每个查询最强的</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Draw only each query token&apos;s k strongest lines</source>
        <translation>只绘制每个查询词元最强的 k 条连线</translation>
    </message>
    <message>
        <source>L%1</source>
        <translation>L%1</translation>
    </message>
    <message>
        <source>%1 attends most to: %2</source>
        <translation>%1 最关注：%2</translation>
    </message>
    <message>
        <source>%1 is attended most by: %2</source>
        <translation>最关注 %1 的是：%2</translation>
    </message>
    <message>
        <source>Head %1: click to add it to the overlay or take it out</source>
        <translation>头 %1：单击以加入叠加或移出</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Attnscope</source>
        <translation>Attnscope</translation>
    </message>
    <message>
        <source>Matrix</source>
        <translation>矩阵</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>连线</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>总览</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Heads</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Inside the head</source>
        <translation>注意力头内部</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>计算开销</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Selection</source>
        <translation>选择</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the run (Esc); the previous result stays</source>
        <translation>停止运行（Esc）；之前的结果保留</translation>
    </message>
    <message>
        <source>%1 — Attnscope</source>
        <translation>%1 — Attnscope</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;model folder…</source>
        <translation>打开模型文件夹(&amp;M)…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>A figure&apos;s .attnscope.json (restores its view), an image or a text file</source>
        <translation>图的 .attnscope.json（恢复其视图）、图片或文本文件</translation>
    </message>
    <message>
        <source>Open &amp;image…</source>
        <translation>打开图片(&amp;I)…</translation>
    </message>
    <message>
        <source>Open &amp;text file…</source>
        <translation>打开文本文件(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Paste image</source>
        <translation>粘贴图片(&amp;P)</translation>
    </message>
    <message>
        <source>Ctrl+Shift+V</source>
        <translation>Ctrl+Shift+V</translation>
    </message>
    <message>
        <source>&amp;Samples</source>
        <translation>示例(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Recent models</source>
        <translation>最近的模型(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Export view…</source>
        <translation>导出视图(&amp;E)…</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>&amp;Batch export…</source>
        <translation>批量导出(&amp;B)…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+B</source>
        <translation>Ctrl+Shift+B</translation>
    </message>
    <message>
        <source>Export &amp;data…</source>
        <translation>导出数据(&amp;D)…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+E</source>
        <translation>Ctrl+Shift+E</translation>
    </message>
    <message>
        <source>Export head &amp;statistics…</source>
        <translation>导出注意力头统计(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Memory budget…</source>
        <translation>内存预算(&amp;M)…</translation>
    </message>
    <message>
        <source>Memory budget</source>
        <translation>内存预算</translation>
    </message>
    <message>
        <source>Largest memory a run may hold for its results, e.g. 4G or 512M.
Longer runs ask to capture fewer layers. Empty: half the machine&apos;s RAM.</source>
        <translation>一次运行为其结果最多可占用的内存，例如 4G 或 512M。
超出时会询问是否只捕获部分层。留空：本机内存的一半。</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Next head</source>
        <translation>下一个注意力头</translation>
    </message>
    <message>
        <source>Previous head</source>
        <translation>上一个注意力头</translation>
    </message>
    <message>
        <source>Next layer</source>
        <translation>下一层</translation>
    </message>
    <message>
        <source>Previous layer</source>
        <translation>上一层</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>The language changes when Attnscope starts again.</source>
        <translation>语言将在重新启动 Attnscope 后更改。</translation>
    </message>
    <message>
        <source>Choose an image first (File ▸ Open image…, drag and drop, or paste).</source>
        <translation>请先选择一张图片（文件 ▸ 打开图片…、拖放或粘贴）。</translation>
    </message>
    <message>
        <source>The open model reads text; open an image model to run this photo.</source>
        <translation>当前模型读取文本；要运行这张照片，请打开一个图像模型。</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Attnscope figures (*.attnscope.json);;Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp);;Text (*.txt *.md);;All files (*)</source>
        <translation>Attnscope 图 (*.attnscope.json);;图片 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp);;文本 (*.txt *.md);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Replace?</source>
        <translation>替换？</translation>
    </message>
    <message>
        <source>%1 exists. Replace it?</source>
        <translation>%1 已存在。要替换吗？</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) in the folder would be replaced. Continue?</source>
        <translation>
            <numerusform>文件夹中的 %n 个文件将被替换。继续吗？</numerusform>
        </translation>
    </message>
    <message>
        <source>Exporting figures…</source>
        <translation>正在导出图…</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n figure(s)</source>
        <translation>
            <numerusform>已导出 %n 张图</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Batch export stopped after %n figure(s): %1</source>
        <translation>
            <numerusform>批量导出在 %n 张图后停止：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Export data</source>
        <translation>导出数据</translation>
    </message>
    <message>
        <source>NumPy (*.npz);;safetensors (*.safetensors);;JSON (*.json)</source>
        <translation>NumPy (*.npz);;safetensors (*.safetensors);;JSON (*.json)</translation>
    </message>
    <message>
        <source>Export head statistics</source>
        <translation>导出注意力头统计</translation>
    </message>
    <message>
        <source>CSV (*.csv);;JSON (*.json)</source>
        <translation>CSV (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
        <source>Cross-attention</source>
        <translation>交叉注意力</translation>
    </message>
    <message>
        <source>&amp;Download model…</source>
        <translation>下载模型(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Corpus statistics</source>
        <translation>语料统计(&amp;C)</translation>
    </message>
    <message>
        <source>Head statistics over many inputs (attnscope-cli batch / merge), shown in the Heads view</source>
        <translation>大量输入上的注意力头统计（attnscope-cli batch / merge），在注意力头视图中显示</translation>
    </message>
    <message>
        <source>Open &amp;result folder…</source>
        <translation>打开结果文件夹(&amp;R)…</translation>
    </message>
    <message>
        <source>Result folder of attnscope-cli batch</source>
        <translation>attnscope-cli batch 的结果文件夹</translation>
    </message>
    <message>
        <source>Open &amp;summary file…</source>
        <translation>打开汇总文件(&amp;S)…</translation>
    </message>
    <message>
        <source>Summary of attnscope-cli merge</source>
        <translation>attnscope-cli merge 的汇总</translation>
    </message>
    <message>
        <source>Summaries (*.csv *.json)</source>
        <translation>汇总文件 (*.csv *.json)</translation>
    </message>
    <message>
        <source>Run a &amp;batch on a JSONL file…</source>
        <translation>对 JSONL 文件批量运行(&amp;B)…</translation>
    </message>
    <message>
        <source>Inputs, one JSON object per line</source>
        <translation>输入，每行一个 JSON 对象</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl *.json);;All files (*)</source>
        <translation>JSON 行文件 (*.jsonl *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Folder for the results (a re-run resumes there)</source>
        <translation>结果文件夹（再次运行会从中断处继续）</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Attnscope</source>
        <translation>关于 Attnscope(&amp;A)</translation>
    </message>
    <message>
        <source>About Attnscope</source>
        <translation>关于 Attnscope</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>--layer %1: the model has %2 layers, layer %3 is shown</source>
        <translation>--layer %1：该模型只有 %2 层，显示的是第 %3 层</translation>
    </message>
    <message>
        <source>--head %1: the model has %2 heads, head %3 is shown</source>
        <translation>--head %1：该模型只有 %2 个注意力头，显示的是第 %3 个头</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>&amp;Keep as reference for Compare</source>
        <translation>设为比较的参照(&amp;K)</translation>
    </message>
    <message>
        <source>Ctrl+Shift+K</source>
        <translation>Ctrl+Shift+K</translation>
    </message>
    <message>
        <source>C&amp;lear the reference</source>
        <translation>清除参照(&amp;L)</translation>
    </message>
    <message>
        <source>Lens</source>
        <translation>透镜</translation>
    </message>
</context>
<context>
    <name>MatrixView</name>
    <message>
        <source>Cells smaller than a pixel show</source>
        <translation>小于一个像素的单元格显示</translation>
    </message>
    <message>
        <source>the block&apos;s maximum</source>
        <translation>块内最大值</translation>
    </message>
    <message>
        <source>the block&apos;s mean</source>
        <translation>块内平均值</translation>
    </message>
    <message>
        <source>query %1
key %2
weight %3</source>
        <translation>查询 %1
键 %2
权重 %3</translation>
    </message>
    <message>
        <source>masked (a causal model&apos;s query never sees later keys)</source>
        <translation>已屏蔽（因果模型的查询看不到后面的键）</translation>
    </message>
    <message>
        <source>masked (outside this layer&apos;s sliding window of %1 keys)</source>
        <translation>已屏蔽（在本层 %1 个键的滑动窗口之外）</translation>
    </message>
    <message>
        <source>Copy as tab-separated values</source>
        <translation>复制为制表符分隔值</translation>
    </message>
    <message>
        <source>This cell (%1 → %2)</source>
        <translation>此单元格（%1 → %2）</translation>
    </message>
    <message>
        <source>The row of token %1</source>
        <translation>词元 %1 的行</translation>
    </message>
    <message>
        <source>The whole matrix</source>
        <translation>整个矩阵</translation>
    </message>
    <message>
        <source>Find a token…</source>
        <translation>查找词元…</translation>
    </message>
    <message>
        <source>word “%1” (tokens %2–%3)</source>
        <translation>词“%1”（词元 %2–%3）</translation>
    </message>
    <message>
        <source>the excluded tokens took %1% of this row before the rest was renormalised</source>
        <translation>在其余部分重新归一化之前，被排除的词元占了该行的 %1%</translation>
    </message>
</context>
<context>
    <name>MemoryBudgetDialog</name>
    <message>
        <source>Not enough memory for this run</source>
        <translation>内存不足以完成这次运行</translation>
    </message>
    <message>
        <source>&lt;b&gt;This input has %1 tokens.&lt;/b&gt; Capturing the attention of all %2 layers would need about &lt;b&gt;%3&lt;/b&gt;, more than the memory budget of %4 (Run ▸ Memory budget…). Nothing has been allocated and the current result is kept.</source>
        <translation>&lt;b&gt;此输入有 %1 个词元。&lt;/b&gt;捕获全部 %2 层的注意力约需 &lt;b&gt;%3&lt;/b&gt;，超过了 %4 的内存预算（运行 ▸ 内存预算…）。尚未分配任何内存，当前结果保留。</translation>
    </message>
    <message>
        <source>Capture only layers</source>
        <translation>只捕获第</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Capture all layers anyway (about %1; the machine may start swapping)</source>
        <translation>仍然捕获所有层（约 %1；机器可能开始使用交换空间）</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Not even one layer fits the budget.</source>
        <translation>连一层都放不进预算。</translation>
    </message>
    <message numerus="yes">
        <source>%n layer(s): about %1%2</source>
        <translation>
            <numerusform>%n 层：约 %1%2</numerusform>
        </translation>
    </message>
    <message>
        <source> — over the budget</source>
        <translation> —— 超出预算</translation>
    </message>
    <message>
        <source> — within the budget</source>
        <translation> —— 在预算之内</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ModelPanel</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>L×H</source>
        <translation>层×头</translation>
    </message>
    <message>
        <source>Open folder…</source>
        <translation>打开文件夹…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Built-in</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>最近使用</translation>
    </message>
    <message>
        <source>Hugging Face cache</source>
        <translation>Hugging Face 缓存</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Ships with Attnscope: --model builtin:%1</source>
        <translation>随 Attnscope 附带：--model builtin:%1</translation>
    </message>
    <message>
        <source>found in: %1</source>
        <translation>位于：%1</translation>
    </message>
    <message>
        <source>problem: %1</source>
        <translation>问题：%1</translation>
    </message>
    <message>
        <source>Open a Hugging Face model folder</source>
        <translation>打开 Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <source>&lt;b&gt;No models found&lt;/b&gt;, not even the built-in ones (set &lt;tt&gt;ATTNSCOPE_DATA_DIR&lt;/tt&gt; to the folder holding &lt;tt&gt;models/&lt;/tt&gt;). Attnscope reads Hugging Face model folders (&lt;tt&gt;config.json&lt;/tt&gt;, &lt;tt&gt;model.safetensors&lt;/tt&gt;, tokenizer files): list yours in &lt;tt&gt;ATTNSCOPE_MODEL_PATH&lt;/tt&gt;, use &lt;i&gt;Open folder…&lt;/i&gt;, or &lt;i&gt;Download…&lt;/i&gt; one from the Hugging Face Hub.</source>
        <translation>&lt;b&gt;未找到模型&lt;/b&gt;，连内置模型也没有（请将 &lt;tt&gt;ATTNSCOPE_DATA_DIR&lt;/tt&gt; 设为包含 &lt;tt&gt;models/&lt;/tt&gt; 的文件夹）。Attnscope 读取 Hugging Face 模型文件夹（&lt;tt&gt;config.json&lt;/tt&gt;、&lt;tt&gt;model.safetensors&lt;/tt&gt;、分词器文件）：把你的模型列在 &lt;tt&gt;ATTNSCOPE_MODEL_PATH&lt;/tt&gt; 中，使用&lt;i&gt;打开文件夹…&lt;/i&gt;，或从 Hugging Face Hub &lt;i&gt;下载…&lt;/i&gt;。</translation>
    </message>
    <message>
        <source>Download…</source>
        <translation>下载…</translation>
    </message>
    <message>
        <source>Download a model from the Hugging Face Hub into its cache</source>
        <translation>从 Hugging Face Hub 下载模型到其缓存</translation>
    </message>
</context>
<context>
    <name>PatchLocator</name>
    <message>
        <source>key %1</source>
        <translation>键 %1</translation>
    </message>
    <message>
        <source>query %1</source>
        <translation>查询 %1</translation>
    </message>
</context>
<context>
    <name>PredictionView</name>
    <message>
        <source>Language models: the prediction at the query token; click a token in the Text, Lines or Matrix view to choose it (masked LMs start at the first [MASK])</source>
        <translation>语言模型：显示查询词元处的预测；在文本、连线或矩阵视图中单击词元即可选择（掩码语言模型从第一个 [MASK] 开始）</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>No result yet: choose an input and run (Ctrl+R).</source>
        <translation>还没有结果：选择一个输入并运行（Ctrl+R）。</translation>
    </message>
    <message>
        <source>Layer %1 was not captured.</source>
        <translation>第 %1 层未被捕获。</translation>
    </message>
    <message>
        <source>Every token is a special token; nothing is left to show.</source>
        <translation>所有词元都是特殊词元；没有可显示的内容。</translation>
    </message>
    <message>
        <source>attention weight</source>
        <translation>注意力权重</translation>
    </message>
    <message>
        <source>attention weight (scaled to matrix max)</source>
        <translation>注意力权重（按矩阵最大值缩放）</translation>
    </message>
    <message>
        <source>attention weight (scaled to max over all heads)</source>
        <translation>注意力权重（按所有注意力头的最大值缩放）</translation>
    </message>
    <message>
        <source>attention weight (log scale)</source>
        <translation>注意力权重（对数刻度）</translation>
    </message>
    <message>
        <source>attention weight (top %1% of mass clipped)</source>
        <translation>注意力权重（裁掉质量最高的 %1%）</translation>
    </message>
    <message>
        <source>entropy (nats)</source>
        <translation>熵（奈特）</translation>
    </message>
    <message>
        <source>entropy / log(row length)</source>
        <translation>熵 / log(行长度)</translation>
    </message>
    <message>
        <source>attention on special tokens</source>
        <translation>特殊词元上的注意力</translation>
    </message>
    <message>
        <source>previous-token score</source>
        <translation>前一词元分数</translation>
    </message>
    <message>
        <source>self (diagonal) score</source>
        <translation>自身（对角线）分数</translation>
    </message>
    <message>
        <source>induction score</source>
        <translation>归纳分数</translation>
    </message>
    <message>
        <source>head</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Run an image model to see its attention over the photo.</source>
        <translation>运行一个图像模型，查看它在照片上的注意力。</translation>
    </message>
    <message>
        <source>key (attended to)</source>
        <translation>键（被关注）</translation>
    </message>
    <message>
        <source>query (attending)</source>
        <translation>查询（发出关注）</translation>
    </message>
    <message>
        <source>No result yet.</source>
        <translation>还没有结果。</translation>
    </message>
    <message>
        <source>This model has no prediction head.</source>
        <translation>此模型没有预测头。</translation>
    </message>
    <message>
        <source>The Image view is for image models; see the Text view.</source>
        <translation>图像视图用于图像模型；请看文本视图。</translation>
    </message>
    <message>
        <source> (scaled to max over all heads)</source>
        <translation>（按所有注意力头的最大值缩放）</translation>
    </message>
    <message>
        <source> (log)</source>
        <translation>（对数）</translation>
    </message>
    <message>
        <source> (top %1% of mass clipped)</source>
        <translation>（裁掉质量最高的 %1%）</translation>
    </message>
    <message>
        <source>%1 → patches</source>
        <translation>%1 → 图像块</translation>
    </message>
    <message>
        <source>patch mass %1 of the row (the rest goes to %2) · max %3</source>
        <translation>图像块占该行质量的 %1（其余归于 %2）· 最大值 %3</translation>
    </message>
    <message>
        <source>the CLS and distillation tokens</source>
        <translation>CLS 和蒸馏词元</translation>
    </message>
    <message>
        <source>CLS</source>
        <translation>CLS</translation>
    </message>
    <message>
        <source> · contour: %1 patches hold %2% of the patch mass</source>
        <translation> · 轮廓：%1 个图像块占图像块质量的 %2%</translation>
    </message>
    <message>
        <source>Layer %1, heads overlaid</source>
        <translation>第 %1 层，各注意力头叠加</translation>
    </message>
    <message>
        <source>All heads (%1)</source>
        <translation>所有注意力头（%1）</translation>
    </message>
    <message>
        <source>Run a model to see its predictions.</source>
        <translation>运行一个模型，查看它的预测。</translation>
    </message>
    <message>
        <source>Next token after “%1”</source>
        <translation>“%1”之后的下一个词元</translation>
    </message>
    <message>
        <source>Top classes</source>
        <translation>最可能的类别</translation>
    </message>
    <message>
        <source>Run a text model to see its attention over the text.</source>
        <translation>运行一个文本模型，查看它在文本上的注意力。</translation>
    </message>
    <message>
        <source>The Text view is for text models; see the Image view.</source>
        <translation>文本视图用于文本模型；请看图像视图。</translation>
    </message>
    <message>
        <source>attention from “%1” (token %2)</source>
        <translation>来自“%1”（词元 %2）的注意力</translation>
    </message>
    <message>
        <source>attention weight (relative to the row max)</source>
        <translation>注意力权重（相对该行最大值）</translation>
    </message>
    <message numerus="yes">
        <source>The model read the first %n token(s); the rest of the text is not shown.</source>
        <translation>
            <numerusform>模型读入了前 %n 个词元；其余文本未显示。</numerusform>
        </translation>
    </message>
    <message>
        <source> · sliding window %1</source>
        <translation> · 滑动窗口 %1</translation>
    </message>
    <message>
        <source>%1 · local %2</source>
        <translation>%1 · 局部 %2</translation>
    </message>
    <message>
        <source>%1 · global</source>
        <translation>%1 · 全局</translation>
    </message>
    <message>
        <source>%1 · kv%2</source>
        <translation>%1 · kv%2</translation>
    </message>
    <message>
        <source>target:</source>
        <translation>目标：</translation>
    </message>
    <message>
        <source>source:</source>
        <translation>源：</translation>
    </message>
    <message>
        <source>The Cross view is for encoder-decoder models (T5): run one with a target or with generation.</source>
        <translation>交叉注意力视图用于编码器-解码器模型（T5）：请带目标文本或生成方式运行。</translation>
    </message>
    <message>
        <source>No cross-attention was captured.</source>
        <translation>没有捕获交叉注意力。</translation>
    </message>
    <message>
        <source>H%1</source>
        <translation>H%1</translation>
    </message>
    <message>
        <source>mean of H%1</source>
        <translation>H%1 的平均</translation>
    </message>
    <message>
        <source>cross-attention · L%1 · %2</source>
        <translation>交叉注意力 · L%1 · %2</translation>
    </message>
    <message>
        <source> (raw weights: %1 needs one stack)</source>
        <translation>（原始权重：%1 需要单一堆栈）</translation>
    </message>
    <message>
        <source>%1 decoder positions × %2 source tokens · shaded by %3 · rows sum to 1</source>
        <translation>%1 个解码器位置 × %2 个源词元 · 按%3着色 · 每行和为 1</translation>
    </message>
    <message>
        <source>each row&apos;s max</source>
        <translation>每行最大值</translation>
    </message>
    <message>
        <source>the matrix max</source>
        <translation>矩阵最大值</translation>
    </message>
    <message>
        <source>patch mass %1 of the row · %2 registers %3 · CLS %4 · max %5</source>
        <translation>图像块占该行质量 %1 · %2 个寄存器词元 %3 · CLS %4 · 最大值 %5</translation>
    </message>
    <message>
        <source>registers</source>
        <translation>寄存器词元</translation>
    </message>
    <message>
        <source> (scaled to the max of patches and registers)</source>
        <translation>（按图像块和寄存器词元的最大值缩放）</translation>
    </message>
    <message>
        <source>Attention flow is computed when this selection is shown.</source>
        <translation>显示此选择时将计算注意力流。</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>, 0 to the row&apos;s max</source>
        <translation>，0 至该行最大值</translation>
    </message>
    <message>
        <source> · the model saw only the outlined centre crop (%1% of the photo)</source>
        <translation> · 模型只看到了框出的中心裁剪区域（占图片的 %1%）</translation>
    </message>
    <message>
        <source>weight / each map&apos;s max (log)</source>
        <translation>权重 / 每张图的最大值（对数）</translation>
    </message>
    <message>
        <source>log, %1 decades below each map&apos;s max</source>
        <translation>对数，每张图最大值以下 %1 个数量级</translation>
    </message>
    <message>
        <source>weight / each map&apos;s clip level</source>
        <translation>权重 / 每张图的裁剪阈值</translation>
    </message>
    <message>
        <source>each map&apos;s top %1% of mass saturates</source>
        <translation>每张图质量最高的 %1% 饱和显示</translation>
    </message>
    <message>
        <source>weight / each map&apos;s max</source>
        <translation>权重 / 每张图的最大值</translation>
    </message>
    <message>
        <source>each map to its max</source>
        <translation>每张图缩放到其最大值</translation>
    </message>
    <message>
        <source>All heads: %1 → patches over the photo</source>
        <translation>所有头：%1 → 图像块，叠加在图片上</translation>
    </message>
    <message>
        <source>mean attention distance (pixels of the model input)</source>
        <translation>平均注意力距离（模型输入的像素）</translation>
    </message>
    <message>
        <source>mean attention distance (tokens)</source>
        <translation>平均注意力距离（词元）</translation>
    </message>
    <message>
        <source>attention weight (top %1% of values clipped)</source>
        <translation>注意力权重（裁掉最大的 %1% 数值）</translation>
    </message>
    <message>
        <source> (top %1% of values clipped)</source>
        <translation>（裁掉最大的 %1% 数值）</translation>
    </message>
    <message>
        <source> · 1 patch excluded</source>
        <translation> · 已排除 1 个图像块</translation>
    </message>
    <message>
        <source> · %1 patches excluded</source>
        <translation> · 已排除 %1 个图像块</translation>
    </message>
    <message>
        <source>, the rest renormalised to sum 1</source>
        <translation>，其余部分重新归一化为和为 1</translation>
    </message>
    <message>
        <source>each map&apos;s top %1% of values saturates</source>
        <translation>每张图最大的 %1% 数值饱和显示</translation>
    </message>
    <message>
        <source>%1 of heads</source>
        <translation>各头%1</translation>
    </message>
    <message>
        <source>rollout</source>
        <translation>注意力汇聚</translation>
    </message>
    <message>
        <source>to %1</source>
        <translation>至 %1</translation>
    </message>
    <message>
        <source>%1
max %2 at patch (%3, %4) · patch mass %5 of the row</source>
        <translation>%1
最大值 %2，位于图像块 (%3, %4) · 图像块占该行质量 %5</translation>
    </message>
    <message>
        <source>weight, one scale for every map</source>
        <translation>权重，所有图共用一个刻度</translation>
    </message>
    <message>
        <source>one scale for every map</source>
        <translation>所有图共用一个刻度</translation>
    </message>
    <message>
        <source>Rollout after each layer: %1 → patches over the photo</source>
        <translation>逐层注意力汇聚：%1 → 图像块，叠加在图片上</translation>
    </message>
    <message>
        <source>%1; the last map is the Image view&apos;s</source>
        <translation>%1；最后一张即图像视图所示</translation>
    </message>
    <message>
        <source>Raw weights of each head and their %1</source>
        <translation>各头的原始权重及其%1</translation>
    </message>
    <message>
        <source>Raw weights of each head</source>
        <translation>各头的原始权重</translation>
    </message>
    <message>
        <source>%1 · %2 · opacity %3</source>
        <translation>%1 · %2 · 不透明度 %3</translation>
    </message>
    <message>
        <source> · %1 patches excluded, the rest renormalised</source>
        <translation> · 已排除 %1 个图像块，其余重新归一化</translation>
    </message>
    <message>
        <source> · attention flow is one map through every layer: see the Image view</source>
        <translation> · 注意力流是贯穿所有层的一张图：请看图像视图</translation>
    </message>
    <message>
        <source>%1
largest weight %2: %3 → %4</source>
        <translation>%1
最大权重 %2：%3 → %4</translation>
    </message>
    <message>
        <source>Rollout after each layer (%1)</source>
        <translation>逐层注意力汇聚（%1）</translation>
    </message>
    <message>
        <source>%1; the last map is the Matrix view&apos;s</source>
        <translation>%1；最后一张即矩阵视图所示</translation>
    </message>
    <message>
        <source>Raw weights of each head · attention flow is one map through every layer: see the Matrix view</source>
        <translation>各头的原始权重 · 注意力流是贯穿所有层的一张图：请看矩阵视图</translation>
    </message>
    <message>
        <source>weight relative to each map (%1)</source>
        <translation>相对每张图的权重（%1）</translation>
    </message>
    <message>
        <source>standard deviation over the inputs</source>
        <translation>各输入上的标准差</translation>
    </message>
    <message>
        <source>median over the inputs</source>
        <translation>各输入上的中位数</translation>
    </message>
    <message>
        <source>5th percentile over the inputs</source>
        <translation>各输入上的第 5 百分位数</translation>
    </message>
    <message>
        <source>95th percentile over the inputs</source>
        <translation>各输入上的第 95 百分位数</translation>
    </message>
    <message>
        <source>mean over the inputs</source>
        <translation>各输入上的均值</translation>
    </message>
    <message>
        <source>attention on the first token (sink)</source>
        <translation>首词元上的注意力（注意力汇）</translation>
    </message>
    <message>
        <source> · the rollout after each layer is not drawn at %1 tokens (too costly here): see the Image view</source>
        <translation> · %1 个词元时不绘制逐层注意力汇聚（此处开销过大）：请看图像视图</translation>
    </message>
    <message>
        <source>Raw weights of each head · the rollout after each layer is not drawn at %1 tokens (too costly here): see the Matrix view</source>
        <translation>各头的原始权重 · %1 个词元时不绘制逐层注意力汇聚（此处开销过大）：请看矩阵视图</translation>
    </message>
    <message>
        <source>see its SOURCE.md</source>
        <translation>见其 SOURCE.md</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Attnscope %1&lt;/h3&gt;&lt;p&gt;A native attention visualizer: Hugging Face checkpoints on the CPU, offline.&lt;/p&gt;&lt;p&gt;Built with Qt %2 (running %3), Eigen %4, OpenCV %5, QCustomPlot %6.&lt;/p&gt;&lt;p&gt;Built-in models:&lt;/p&gt;&lt;ul&gt;%7&lt;/ul&gt;&lt;p&gt;Documentation: README.md and docs/ in the source repository, &lt;tt&gt;attnscope-cli --help&lt;/tt&gt; for the command line; the licences of everything shipped: share/doc/attnscope/copyright.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Attnscope %1&lt;/h3&gt;&lt;p&gt;原生的注意力可视化工具：在 CPU 上离线运行 Hugging Face 检查点。&lt;/p&gt;&lt;p&gt;构建所用：Qt %2（运行时 %3）、Eigen %4、OpenCV %5、QCustomPlot %6。&lt;/p&gt;&lt;p&gt;内置模型：&lt;/p&gt;&lt;ul&gt;%7&lt;/ul&gt;&lt;p&gt;文档：源代码仓库中的 README.md 和 docs/；命令行见 &lt;tt&gt;attnscope-cli --help&lt;/tt&gt;；随附内容的许可证：share/doc/attnscope/copyright。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;li&gt;none found&lt;/li&gt;</source>
        <translation>&lt;li&gt;未找到&lt;/li&gt;</translation>
    </message>
    <message>
        <source>Next-token candidates</source>
        <translation>下一个词元的候选</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>the prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>step %1/%2 · layer %3 · %4 · query “%5” → “%6”</source>
        <translation>第 %1/%2 步 · 第 %3 层 · %4 · 查询“%5”→“%6”</translation>
    </message>
    <message>
        <source>attention weight (raw)</source>
        <translation>注意力权重（原始）</translation>
    </message>
    <message>
        <source>JS divergence per head</source>
        <translation>每个头的 JS 散度</translation>
    </message>
    <message>
        <source>JS divergence (bits)</source>
        <translation>JS 散度（比特）</translation>
    </message>
    <message>
        <source>A − B</source>
        <translation>A − B</translation>
    </message>
    <message>
        <source>attention weight (A and B)</source>
        <translation>注意力权重（A 与 B）</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Keep a result as the reference (A), then run another input, or the same input on another model (B).</source>
        <translation>把一个结果设为参照（A），再运行另一个输入，或在另一个模型上运行同一输入（B）。</translation>
    </message>
    <message>
        <source>Comparing…</source>
        <translation>正在比较…</translation>
    </message>
    <message>
        <source>Run another input, or open another model and run, to compare with the reference.</source>
        <translation>运行另一个输入，或打开另一个模型并运行，以便与参照比较。</translation>
    </message>
    <message>
        <source> · JS %1 bits</source>
        <translation> · JS %1 比特</translation>
    </message>
    <message>
        <source>A: %1 “%2”</source>
        <translation>A：%1“%2”</translation>
    </message>
    <message>
        <source>B: %1 “%2”</source>
        <translation>B：%1“%2”</translation>
    </message>
    <message>
        <source>Every token has a partner (%1 aligned).</source>
        <translation>每个词元都有对应（%1 个已对齐）。</translation>
    </message>
    <message>
        <source>%1 tokens aligned; without a partner: A %2; B %3</source>
        <translation>已对齐 %1 个词元；没有对应的：A %2；B %3</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message numerus="yes">
        <source>Computing the rollout… (%1 tokens through %n layer(s); Esc cancels)</source>
        <translation>
            <numerusform>正在计算注意力汇聚…（%1 个词元，经过 %n 层；Esc 取消）</numerusform>
        </translation>
    </message>
    <message>
        <source>lines of weight ≥ %1</source>
        <translation>权重 ≥ %1 的连线</translation>
    </message>
    <message numerus="yes">
        <source>the %n strongest per query</source>
        <translation>
            <numerusform>每个查询最强的 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <source>fixed range</source>
        <translation>固定范围</translation>
    </message>
    <message>
        <source>from the lowest to the highest head</source>
        <translation>从最低的头到最高的头</translation>
    </message>
    <message>
        <source>Shown meanwhile: the raw attention of %1.</source>
        <translation>此时显示：%1 的原始注意力。</translation>
    </message>
    <message>
        <source>Next token after “%1” (token %2)</source>
        <translation>“%1”（词元 %2）之后的下一个词元</translation>
    </message>
    <message>
        <source>Token at “%1” (token %2)</source>
        <translation>“%1”（词元 %2）处的词元</translation>
    </message>
    <message>
        <source>attention from “%1” (tokens %2–%3)</source>
        <translation>来自“%1”（词元 %2–%3）的注意力</translation>
    </message>
    <message>
        <source>Value norms are computed when this method is shown.</source>
        <translation>选择此方法时会计算值加权范数。</translation>
    </message>
    <message>
        <source>value-weighted norm ‖α f(x)‖ (%1)</source>
        <translation>值加权范数 ‖α f(x)‖（%1）</translation>
    </message>
    <message>
        <source>all heads</source>
        <translation>所有注意力头</translation>
    </message>
    <message>
        <source>Value norms of all heads (%1)</source>
        <translation>所有头的值加权范数（%1）</translation>
    </message>
    <message>
        <source>value-weighted norm</source>
        <translation>值加权范数</translation>
    </message>
    <message>
        <source>Head ablation runs when this statistic is shown.</source>
        <translation>选择此统计量时会运行注意力头消融。</translation>
    </message>
    <message>
        <source>“%1”, p = %2 intact</source>
        <translation>“%1”，未消融时 p = %2</translation>
    </message>
    <message>
        <source>ablation: Δp of the prediction</source>
        <translation>消融：预测概率的变化 Δp</translation>
    </message>
    <message>
        <source> · first token excluded</source>
        <translation> · 已排除首个词元</translation>
    </message>
    <message>
        <source>The excluded tokens took %1% of this row before the rest was renormalised.</source>
        <translation>在其余部分重新归一化之前，被排除的词元占了该行的 %1%。</translation>
    </message>
    <message>
        <source>Contributions are computed when this method is shown.</source>
        <translation>选择此方法时会计算贡献度。</translation>
    </message>
    <message>
        <source>Run a language model to see what each layer would predict.</source>
        <translation>运行一个语言模型，查看每一层会预测什么。</translation>
    </message>
    <message>
        <source>The logit lens is computed when this view is shown.</source>
        <translation>打开此视图时会计算 Logit 透镜。</translation>
    </message>
    <message>
        <source>Logit lens: the next token each layer&apos;s stream would predict, through the final norm and the head</source>
        <translation>Logit 透镜：每一层的残差流经过最终归一化和输出头后会预测的下一个词元</translation>
    </message>
    <message>
        <source>Logit lens: the token each layer&apos;s stream would fill in, through the MLM head</source>
        <translation>Logit 透镜：每一层的残差流经过 MLM 头后会填入的词元</translation>
    </message>
    <message>
        <source>embeddings</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <source>after L%1</source>
        <translation>L%1 之后</translation>
    </message>
    <message>
        <source>probability of the top token</source>
        <translation>首选词元的概率</translation>
    </message>
    <message>
        <source>%1, after “%2” (position %3)</source>
        <translation>%1，“%2”之后（位置 %3）</translation>
    </message>
    <message>
        <source>ALTI</source>
        <translation>ALTI</translation>
    </message>
    <message>
        <source>contributions</source>
        <translation>贡献度</translation>
    </message>
    <message>
        <source>ALTI after each layer: %1 → patches over the photo</source>
        <translation>逐层 ALTI：%1 → 照片上的图块</translation>
    </message>
    <message>
        <source>Token contributions of each layer: %1 → patches over the photo</source>
        <translation>各层的词元贡献度：%1 → 照片上的图块</translation>
    </message>
    <message>
        <source>%1 is the Image view&apos;s</source>
        <translation>%1 即图像视图所示</translation>
    </message>
    <message>
        <source>ALTI after each layer (%1)</source>
        <translation>逐层 ALTI（%1）</translation>
    </message>
    <message>
        <source>Token contributions of each layer (%1)</source>
        <translation>各层的词元贡献度（%1）</translation>
    </message>
    <message>
        <source>%1 is the Matrix view&apos;s; click a layer to show it</source>
        <translation>%1 即矩阵视图所示；点击某一层即可显示</translation>
    </message>
    <message numerus="yes">
        <source>Computing the rollout of value norms… (%1 tokens through %n layer(s); Esc cancels)</source>
        <translation>
            <numerusform>正在计算值加权范数的注意力汇聚…（%1 个词元，经过 %n 层；Esc 取消）</numerusform>
        </translation>
    </message>
    <message>
        <source>symmetric about 0</source>
        <translation>以 0 为中心对称</translation>
    </message>
</context>
<context>
    <name>Samples</name>
    <message>
        <source>01 short</source>
        <translation>01 短句</translation>
    </message>
    <message>
        <source>02 coreference animal</source>
        <translation>02 指代：动物</translation>
    </message>
    <message>
        <source>03 coreference trophy</source>
        <translation>03 指代：奖杯</translation>
    </message>
    <message>
        <source>04 paragraph</source>
        <translation>04 段落</translation>
    </message>
    <message>
        <source>05 chinese attention</source>
        <translation>05 中文：注意力</translation>
    </message>
    <message>
        <source>06 chinese coreference</source>
        <translation>06 中文：指代</translation>
    </message>
    <message>
        <source>07 masked</source>
        <translation>07 掩码预测</translation>
    </message>
    <message>
        <source>08 agreement</source>
        <translation>08 主谓一致</translation>
    </message>
    <message>
        <source>09 story</source>
        <translation>09 故事</translation>
    </message>
    <message>
        <source>astronaut</source>
        <translation>宇航员</translation>
    </message>
    <message>
        <source>chelsea</source>
        <translation>猫（chelsea）</translation>
    </message>
    <message>
        <source>coffee</source>
        <translation>咖啡</translation>
    </message>
    <message>
        <source>rocket</source>
        <translation>火箭</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <source>Cannot open the model</source>
        <translation>无法打开模型</translation>
    </message>
    <message>
        <source>Cannot use this input</source>
        <translation>无法使用此输入</translation>
    </message>
    <message>
        <source>Not possible</source>
        <translation>无法执行</translation>
    </message>
    <message>
        <source>Cannot write</source>
        <translation>无法写入</translation>
    </message>
    <message>
        <source>Too large</source>
        <translation>太大</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Opened %1: %2, %3 layers × %4 heads</source>
        <translation>已打开 %1：%2，%3 层 × %4 个头</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s)</source>
        <translation>
            <numerusform>%n 个词元</numerusform>
        </translation>
    </message>
    <message>
        <source> · %1 ms</source>
        <translation> · %1 毫秒</translation>
    </message>
    <message numerus="yes">
        <source> · %n warning(s)</source>
        <translation>
            <numerusform> · %n 条警告</numerusform>
        </translation>
    </message>
    <message>
        <source>The weights in %1 differ from those the figure was made with (sha256 changed); the view is restored, the numbers may differ.</source>
        <translation>%1 中的权重与制作该图时不同（sha256 已变化）；视图已恢复，但数值可能不同。</translation>
    </message>
    <message>
        <source>Attention flow computed</source>
        <translation>注意力流已计算</translation>
    </message>
    <message numerus="yes">
        <source>Captured Q, K and V of %n layer(s)</source>
        <translation>
            <numerusform>已捕获 %n 层的 Q、K、V</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Measured %n length(s)</source>
        <translation>
            <numerusform>已实测 %n 个长度</numerusform>
        </translation>
    </message>
    <message>
        <source>Induction scores computed</source>
        <translation>归纳分数已计算</translation>
    </message>
    <message>
        <source>Attention flow was cancelled. Choose the flow method again to restart it.</source>
        <translation>注意力流已取消。再次选择注意力流方法即可重新开始。</translation>
    </message>
    <message>
        <source>Cancelled; the previous result is still shown</source>
        <translation>已取消；仍显示之前的结果</translation>
    </message>
    <message>
        <source>The run was not started: it needs more memory than the budget</source>
        <translation>运行未开始：它需要的内存超过了预算</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <source>Open a model first (File ▸ Open model folder…).</source>
        <translation>请先打开一个模型（文件 ▸ 打开模型文件夹…）。</translation>
    </message>
    <message>
        <source>%1 is an image model: open an image to run it.</source>
        <translation>%1 是图像模型：打开一张图片来运行它。</translation>
    </message>
    <message>
        <source>%1 is a text model: type or open a text to run it.</source>
        <translation>%1 是文本模型：输入或打开一段文本来运行它。</translation>
    </message>
    <message>
        <source>Memory budget: %1</source>
        <translation>内存预算：%1</translation>
    </message>
    <message>
        <source>Memory budget: half the machine&apos;s RAM (%1)</source>
        <translation>内存预算：本机内存的一半（%1）</translation>
    </message>
    <message>
        <source>Cannot restore this figure: %1</source>
        <translation>无法恢复此图：%1</translation>
    </message>
    <message>
        <source>The figure was made with the model in %1, which is not there any more.</source>
        <translation>制作该图所用的模型在 %1，但它已不在那里。</translation>
    </message>
    <message>
        <source>Capturing Q, K and V (running the input again)…</source>
        <translation>正在捕获 Q、K、V（重新运行输入）…</translation>
    </message>
    <message>
        <source>Computing attention flow… (progress below; Esc cancels)</source>
        <translation>正在计算注意力流…（进度见下方；Esc 取消）</translation>
    </message>
    <message>
        <source>Cannot reach the Hub</source>
        <translation>无法连接 Hub</translation>
    </message>
    <message numerus="yes">
        <source>Corpus statistics of %n input(s)</source>
        <translation>
            <numerusform>%n 个输入的语料统计</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n line(s) could not be used and are listed in the result folder&apos;s errors file</source>
        <translation>
            <numerusform>；%n 行无法使用，已列在结果文件夹的错误文件中</numerusform>
        </translation>
    </message>
    <message>
        <source>Open a model first: the batch runs every input through it.</source>
        <translation>请先打开一个模型：批量运行会让每个输入都经过它。</translation>
    </message>
    <message>
        <source>The corpus was made with %1; &quot;%2&quot; runs through the open model, %3.</source>
        <translation>该语料由 %1 生成；“%2”将由当前打开的模型 %3 运行。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>The result of &quot;%1&quot; does not record its input (made by an older attnscope-cli).</source>
        <translation>“%1”的结果没有记录其输入（由旧版 attnscope-cli 生成）。</translation>
    </message>
    <message>
        <source>%1: see the message above</source>
        <translation>%1：见上方的消息</translation>
    </message>
    <message numerus="yes">
        <source>Generated %n token(s) in %1 ms (%2)</source>
        <translation>
            <numerusform>已生成 %n 个词元，用时 %1 毫秒（%2）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Generation stopped after %n token(s)</source>
        <translation>
            <numerusform>生成在 %n 个词元后停止</numerusform>
        </translation>
    </message>
    <message>
        <source>Generation cancelled</source>
        <translation>生成已取消</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>生成失败：%1</translation>
    </message>
    <message>
        <source>Generation needs a causal language model (GPT-2, Llama, Qwen, Mistral, Gemma, Phi-3).</source>
        <translation>生成需要因果语言模型（GPT-2、Llama、Qwen、Mistral、Gemma、Phi-3）。</translation>
    </message>
    <message>
        <source>Type a prompt to generate from.</source>
        <translation>请输入要续写的提示词。</translation>
    </message>
    <message numerus="yes">
        <source>Generating up to %n token(s)…</source>
        <translation>
            <numerusform>正在生成最多 %n 个词元…</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot compare with the reference: %1</source>
        <translation>无法与参照比较：%1</translation>
    </message>
    <message>
        <source>Run an input first: its result becomes the reference.</source>
        <translation>请先运行一个输入：它的结果将成为参照。</translation>
    </message>
    <message>
        <source>Reference kept: run another input (or the same input on another model) to compare</source>
        <translation>已设为参照：运行另一个输入（或在另一个模型上运行同一输入）即可比较</translation>
    </message>
    <message>
        <source>Compare shows text inputs; the reference or the current result is an image.</source>
        <translation>比较只支持文本输入；参照或当前结果是图像。</translation>
    </message>
    <message>
        <source>The run that waited for the model was not started.</source>
        <translation>等待该模型的运行没有开始。</translation>
    </message>
    <message>
        <source>The run starts when the model has opened</source>
        <translation>模型打开后即开始运行</translation>
    </message>
    <message>
        <source>Rollout cancelled; choose the method again to restart it</source>
        <translation>注意力汇聚已取消；再次选择该方法即可重新开始</translation>
    </message>
    <message>
        <source>Rollout failed: %1</source>
        <translation>注意力汇聚失败：%1</translation>
    </message>
    <message numerus="yes">
        <source>Computing the rollout on %n token(s)…</source>
        <translation>
            <numerusform>正在对 %n 个词元计算注意力汇聚…</numerusform>
        </translation>
    </message>
    <message>
        <source>it needs the model that made this result, and its encoder or only stack</source>
        <translation>需要生成该结果的模型，以及其编码器或唯一的堆栈</translation>
    </message>
    <message numerus="yes">
        <source>Computing the rollout of value norms on %n token(s)…</source>
        <translation>
            <numerusform>正在对 %n 个词元计算值加权范数的注意力汇聚…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TextView</name>
    <message>
        <source>weight from token %1: %2</source>
        <translation>来自词元 %1 的权重：%2</translation>
    </message>
    <message>
        <source>masked: token %1 cannot attend to it</source>
        <translation>已遮蔽：词元 %1 不能关注它</translation>
    </message>
    <message>
        <source>word “%1” (tokens %2–%3)</source>
        <translation>词“%1”（词元 %2–%3）</translation>
    </message>
</context>
<context>
    <name>TokenSearch</name>
    <message>
        <source>Find a token</source>
        <translation>查找词元</translation>
    </message>
    <message>
        <source>Token text, or its index (F3 finds the next):</source>
        <translation>词元文本或其序号（F3 查找下一个）：</translation>
    </message>
    <message>
        <source>No token matches “%1”.</source>
        <translation>没有与“%1”匹配的词元。</translation>
    </message>
</context>
<context>
    <name>ViewState</name>
    <message>
        <source>single head</source>
        <translation>单个头</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>max</source>
        <translation>最大</translation>
    </message>
    <message>
        <source>min</source>
        <translation>最小</translation>
    </message>
    <message>
        <source>subset</source>
        <translation>子集</translation>
    </message>
    <message>
        <source>raw</source>
        <translation>原始</translation>
    </message>
    <message>
        <source>rollout</source>
        <translation>注意力汇聚</translation>
    </message>
    <message>
        <source>attention flow</source>
        <translation>注意力流</translation>
    </message>
    <message>
        <source>row scale</source>
        <translation>按行刻度</translation>
    </message>
    <message>
        <source>matrix scale</source>
        <translation>矩阵刻度</translation>
    </message>
    <message>
        <source>global scale</source>
        <translation>全局刻度</translation>
    </message>
    <message>
        <source>log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <source>percentile scale</source>
        <translation>百分位刻度</translation>
    </message>
    <message>
        <source>mean of H%1</source>
        <translation>H%1 的平均</translation>
    </message>
    <message>
        <source>%1 of heads</source>
        <translation>各头%1</translation>
    </message>
    <message>
        <source> from L%1</source>
        <translation>，从 L%1 开始</translation>
    </message>
    <message>
        <source>rollout%1, %2 of heads</source>
        <translation>注意力汇聚%1，各头%2</translation>
    </message>
    <message>
        <source>, lowest %1% discarded</source>
        <translation>，丢弃最低的 %1%</translation>
    </message>
    <message>
        <source>value-percentile scale</source>
        <translation>数值百分位刻度</translation>
    </message>
    <message>
        <source>words (mean over pieces)</source>
        <translation>词（片段取均值）</translation>
    </message>
    <message>
        <source>words (max over pieces)</source>
        <translation>词（片段取最大值）</translation>
    </message>
    <message>
        <source>value norms</source>
        <translation>值加权范数</translation>
    </message>
    <message>
        <source>L%1 · all heads (norm of their sum)</source>
        <translation>L%1 · 所有头（其和的范数）</translation>
    </message>
    <message>
        <source>rollout of value norms</source>
        <translation>值加权范数的注意力汇聚</translation>
    </message>
    <message>
        <source>token contributions (ALTI, per layer)</source>
        <translation>词元贡献度（ALTI，逐层）</translation>
    </message>
    <message>
        <source>ALTI (aggregated)</source>
        <translation>ALTI（逐层聚合）</translation>
    </message>
    <message>
        <source>L%1 · contributions (ALTI)</source>
        <translation>L%1 · 贡献度（ALTI）</translation>
    </message>
    <message>
        <source>ALTI through L%1</source>
        <translation>ALTI，聚合到 L%1</translation>
    </message>
</context>
<context>
    <name>WelcomeView</name>
    <message>
        <source>&lt;h2&gt;Attnscope&lt;/h2&gt;&lt;p&gt;See what a transformer attends to, head by head.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Attnscope&lt;/h2&gt;&lt;p&gt;逐个注意力头，看清 Transformer 在关注什么。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Try it:&lt;/b&gt;</source>
        <translation>&lt;b&gt;试一试：&lt;/b&gt;</translation>
    </message>
    <message>
        <source>A cat photo with ViT-Ti</source>
        <translation>用 ViT-Ti 看猫的照片</translation>
    </message>
    <message>
        <source>The built-in ViT-Ti/16 (ImageNet) on samples/images/chelsea.png, in the Image view</source>
        <translation>内置的 ViT-Ti/16（ImageNet）处理 samples/images/chelsea.png，在图像视图中显示</translation>
    </message>
    <message>
        <source>A story with stories260K</source>
        <translation>用 stories260K 读一个故事</translation>
    </message>
    <message>
        <source>The built-in stories260K (a tiny Llama trained on TinyStories) on a short story, in the Matrix view</source>
        <translation>内置的 stories260K（在 TinyStories 上训练的小型 Llama）处理一个短故事，在矩阵视图中显示</translation>
    </message>
    <message>
        <source>Open model folder…</source>
        <translation>打开模型文件夹…</translation>
    </message>
    <message>
        <source>&lt;h3&gt;2. Choose a sample&lt;/h3&gt;&lt;p&gt;Texts on the left, photos on the right; a sample runs at once when the open model takes that kind of input.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;2. 选择示例&lt;/h3&gt;&lt;p&gt;左边是文本，右边是照片；当前模型能接受该类输入时，示例会立即运行。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;h3&gt;3. Run and explore&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Ctrl+R&lt;/b&gt; runs, &lt;b&gt;Esc&lt;/b&gt; cancels. In a view, &lt;b&gt;←/→&lt;/b&gt; step through heads and &lt;b&gt;↑/↓&lt;/b&gt; through layers; &lt;b&gt;Ctrl+1…9&lt;/b&gt; switch views; the wheel zooms and dragging pans.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;3. 运行与探索&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Ctrl+R&lt;/b&gt; 运行，&lt;b&gt;Esc&lt;/b&gt; 取消。在视图中，&lt;b&gt;←/→&lt;/b&gt; 切换注意力头，&lt;b&gt;↑/↓&lt;/b&gt; 切换层；&lt;b&gt;Ctrl+1…9&lt;/b&gt; 切换视图；滚轮缩放，拖动平移。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;h3&gt;1. Model&lt;/h3&gt;&lt;p&gt;&lt;b&gt;%1&lt;/b&gt;: %2, %3 layers × %4 heads — %5 input.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;1. 模型&lt;/h3&gt;&lt;p&gt;&lt;b&gt;%1&lt;/b&gt;：%2，%3 层 × %4 个头 —— %5输入。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Download a model…</source>
        <translation>下载模型…</translation>
    </message>
    <message>
        <source>Fetch a checkpoint from the Hugging Face Hub (safetensors only) into the cache Python&apos;s tools share</source>
        <translation>从 Hugging Face Hub 获取检查点（仅 safetensors），存入与 Python 工具共用的缓存</translation>
    </message>
    <message>
        <source>&lt;h3&gt;1. Choose a model&lt;/h3&gt;&lt;p&gt;Pick one in the &lt;i&gt;Models&lt;/i&gt; panel: the built-in &lt;b&gt;vit-tiny&lt;/b&gt; (ViT-Ti/16, ImageNet) and &lt;b&gt;stories260K&lt;/b&gt; (a tiny Llama), models in the Hugging Face cache, in &lt;tt&gt;ATTNSCOPE_MODEL_PATH&lt;/tt&gt; or used recently; open any Hugging Face model folder, or download one from the Hub.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;1. 选择模型&lt;/h3&gt;&lt;p&gt;在&lt;i&gt;模型&lt;/i&gt;面板中选择：内置的 &lt;b&gt;vit-tiny&lt;/b&gt;（ViT-Ti/16，ImageNet）和 &lt;b&gt;stories260K&lt;/b&gt;（一个微型 Llama）、Hugging Face 缓存中的模型、&lt;tt&gt;ATTNSCOPE_MODEL_PATH&lt;/tt&gt; 中或最近使用的模型；也可以打开任意 Hugging Face 模型文件夹，或从 Hub 下载。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>attnscope</name>
    <message>
        <source>Attnscope: see what a transformer attends to, head by head.</source>
        <translation>Attnscope：逐个注意力头，看清 Transformer 在关注什么。</translation>
    </message>
</context>
<context>
    <name>attnscope::ui::DownloadDialog</name>
    <message>
        <source>BERT base, English, masked LM</source>
        <translation>BERT base，英文，掩码语言模型</translation>
    </message>
    <message>
        <source>DistilBERT, 6 layers</source>
        <translation>DistilBERT，6 层</translation>
    </message>
    <message>
        <source>RoBERTa base, byte-level BPE</source>
        <translation>RoBERTa base，字节级 BPE</translation>
    </message>
    <message>
        <source>GPT-2 small, causal LM</source>
        <translation>GPT-2 small，因果语言模型</translation>
    </message>
    <message>
        <source>Qwen2.5 0.5B, causal LM</source>
        <translation>Qwen2.5 0.5B，因果语言模型</translation>
    </message>
    <message>
        <source>Llama 3.2 1B, gated: accept the licence and set a token</source>
        <translation>Llama 3.2 1B，受限：需接受许可并设置访问令牌</translation>
    </message>
    <message>
        <source>ViT-B/16, ImageNet classifier</source>
        <translation>ViT-B/16，ImageNet 分类器</translation>
    </message>
    <message>
        <source>DeiT-Ti, ImageNet classifier</source>
        <translation>DeiT-Ti，ImageNet 分类器</translation>
    </message>
    <message>
        <source>DINO ViT-S/16, self-supervised</source>
        <translation>DINO ViT-S/16，自监督</translation>
    </message>
</context>
</TS>
