"""``rewardkit train``: GRPO on a LoRA model from a recipe's ``train:`` section.

Needs the ``train`` extra (torch, trl, peft, transformers, datasets, accelerate). Nothing heavy is
imported here or by :mod:`rewardkit.train.config`, which the recipe loader uses to validate
``train:``; the modules that drive training import torch and trl inside their functions.
"""
