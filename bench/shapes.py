"""Architecture shapes the benchmarks build with random weights (HF config keyword arguments;
nothing is downloaded). Shared by bench/models and bench/train."""

SIGLIP_B16 = dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                  num_attention_heads=12, image_size=224, patch_size=16,
                  hidden_act="gelu_pytorch_tanh", layer_norm_eps=1e-6, vision_use_head=False)
SIGLIP_SO400M = dict(hidden_size=1152, intermediate_size=4304, num_hidden_layers=27,
                     num_attention_heads=16, image_size=384, patch_size=14,
                     hidden_act="gelu_pytorch_tanh", layer_norm_eps=1e-6, vision_use_head=False)
QWEN05 = dict(vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
              num_attention_heads=14, num_key_value_heads=2, rope_theta=1e6,
              max_position_embeddings=32768, tie_word_embeddings=True, rms_norm_eps=1e-6,
              architectures=["Qwen2ForCausalLM"])
QWEN15 = dict(QWEN05, hidden_size=1536, intermediate_size=8960, num_hidden_layers=28,
              num_attention_heads=12, num_key_value_heads=2)
PHI15 = dict(vocab_size=51200, hidden_size=2048, intermediate_size=8192, num_hidden_layers=24,
             num_attention_heads=32, num_key_value_heads=32, partial_rotary_factor=0.5,
             rope_theta=10000.0, max_position_embeddings=2048, layer_norm_eps=1e-5,
             hidden_act="gelu_new", tie_word_embeddings=False, architectures=["PhiForCausalLM"])
