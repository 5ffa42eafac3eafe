from rewardkit.cli.app import main

main()
