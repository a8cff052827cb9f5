from farmcli.cli import main

main()
