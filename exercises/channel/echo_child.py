"""The echo child: sends back ("child", obj) for every object it receives,
until its input ends; then it exits (status 0)."""


def main():
    pass  # TODO: read objects from stdin, send ("child", obj) back on stdout


if __name__ == "__main__":
    main()
